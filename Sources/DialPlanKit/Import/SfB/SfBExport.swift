/// Skype for Business PowerShell transcripts as the `skype_for_business` section. (In progress.)
enum SfBExport {
    static func read(_ files: [ExportFile]) -> ImportedSections {
        var sections = ImportedSections()
        sections.error("reading Skype for Business transcripts is not finished yet", at: SourceLocation(file: files[0].path, line: 1, column: 1))
        return sections
    }
}
