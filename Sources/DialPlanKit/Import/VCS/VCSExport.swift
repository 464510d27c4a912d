/// Cisco VCS / Expressway `xConfiguration` exports as one `call_control` cluster each. (In progress.)
enum VCSExport {
    static func read(_ file: ExportFile, name: String?, nameAt: SourceLocation?) -> ImportedSections {
        var sections = ImportedSections()
        sections.error("reading xConfiguration exports is not finished yet", at: SourceLocation(file: file.path, line: 1, column: 1))
        return sections
    }
}
