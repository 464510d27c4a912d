#ifndef DIALPLAN_CPCRE2_SHIM_H
#define DIALPLAN_CPCRE2_SHIM_H
// pcre2.h needs the code unit width before it is included; Swift then sees the `_8` functions.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
