/// A CSV file (RFC 4180: commas, double quotes, `""` for a quote, quoted fields may span lines), keeping the line
/// and column where each field starts so that a bad value is reported at its place in the spreadsheet export. The
/// CSV packages available do not report positions, which a cases file's errors need.
struct CSVTable {
    struct Field {
        var text: String
        var location: SourceLocation
    }

    var header: [Field]
    var rows: [[Field]]

    /// Parses `text`; the first non-empty record is the header. Blank lines are skipped.
    static func parse(_ text: String, file: String) throws(PlanLoadError) -> CSVTable {
        var records: [[Field]] = []
        var record: [Field] = []
        var field = ""
        var fieldStart = SourceLocation(file: file, line: 1, column: 1)
        var line = 1
        var column = 1
        var inQuotes = false
        var atFieldStart = true
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0

        func endField() {
            record.append(Field(text: field, location: fieldStart))
            field = ""
            atFieldStart = true
        }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].text.isEmpty) { records.append(record) }
            record = []
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if atFieldStart {
                fieldStart = SourceLocation(file: file, line: line, column: column)
                atFieldStart = false
            }
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count && scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 2
                        column += 2
                        continue
                    }
                    inQuotes = false
                } else if scalar == "\n" {
                    field.unicodeScalars.append(scalar)
                    line += 1
                    column = 0
                } else if scalar != "\r" {
                    field.unicodeScalars.append(scalar)
                }
            } else {
                switch scalar {
                case "\"" where field.isEmpty:
                    inQuotes = true
                case ",":
                    endField()
                case "\n":
                    endRecord()
                    line += 1
                    column = 0
                    atFieldStart = true
                case "\r":
                    break
                default:
                    field.unicodeScalars.append(scalar)
                }
            }
            index += 1
            column += 1
        }
        if inQuotes {
            throw PlanLoadError([Diagnostic(.error, "a quoted field is not closed", at: fieldStart)])
        }
        if !atFieldStart || !field.isEmpty || !record.isEmpty { endRecord() }
        guard let header = records.first else {
            throw PlanLoadError([Diagnostic(.error, "the CSV file is empty; it needs a header row", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        return CSVTable(header: header, rows: Array(records.dropFirst()))
    }
}
