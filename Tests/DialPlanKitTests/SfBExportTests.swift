@testable import DialPlanKit
import Foundation
import Testing

/// Skype for Business / Lync PowerShell transcripts (and the JSON of the static route projection) read as the plan's
/// `skype_for_business` section: what each record is, every property read, defaults, identities, pools and
/// computers, the transcript's prompts, headers, wrapped and truncated values, encodings, robustness, and whole plans
/// that import them.
///
/// Source keys (../shared/EXPORTS.md §3): [M1] New-CsStaticRoute, [M2] Get-CsStaticRoutingConfiguration, [M3]
/// New-CsSipProxyTransport, [M4] real Get-CsStaticRoutingConfiguration output with the expanded Transport, [M5] the
/// static route defaults, [M6] Get-CsTrustedApplicationPool, [M7] New-CsTrustedApplicationPool and
/// Get-CsTrustedApplicationComputer, [M8] a real trusted application pool; [PS] PowerShell's ListWriter.cs (the
/// Format-List layout).
@Suite struct SfBExportTests {

    // MARK: Helpers

    static func read(_ text: String, file: String = "routes.txt") -> ImportedSections {
        SfBExport.read([ExportFile(path: file, text: text)])
    }

    static func read(_ files: [(String, String)]) -> ImportedSections {
        SfBExport.read(files.map { ExportFile(path: $0.0, text: $0.1) })
    }

    static func section(_ sections: ImportedSections) -> YAMLTree? {
        sections.entries.first { $0.key == "skype_for_business" }?.value
    }

    static func items(_ tree: YAMLTree?) -> [YAMLTree] {
        guard case .sequence(let items, _) = tree else { return [] }
        return items
    }

    static func entry(_ tree: YAMLTree?, _ key: String) -> YAMLTree.Entry? {
        guard case .mapping(let entries, _) = tree else { return nil }
        return entries.first { $0.key == key }
    }

    static func keys(_ tree: YAMLTree?) -> [String] {
        guard case .mapping(let entries, _) = tree else { return [] }
        return entries.map(\.key)
    }

    /// The configurations, by identity as written.
    static func configurations(_ sections: ImportedSections) -> [String: YAMLTree] {
        var result: [String: YAMLTree] = [:]
        for item in items(section(sections)?["static_routing_configurations"]) {
            if let identity = item["identity"]?.text { result[identity] = item }
        }
        return result
    }

    static func routes(_ sections: ImportedSections, _ identity: String) -> [YAMLTree] {
        items(configurations(sections)[identity]?["routes"])
    }

    static func trusted(_ sections: ImportedSections) -> [YAMLTree] {
        items(section(sections)?["trusted_application_pools"])
    }

    static func registrars(_ sections: ImportedSections) -> [YAMLTree] {
        items(section(sections)?["pools"])
    }

    static func texts(_ tree: YAMLTree?) -> [String] {
        items(tree).compactMap(\.text)
    }

    static func errors(_ sections: ImportedSections) -> [Diagnostic] {
        sections.diagnostics.filter { $0.severity == .error }
    }

    static func position(of needle: String, occurrence: Int = 1, in text: String, offset: Int = 0, file: String = "routes.txt") -> DialPlanKit.SourceLocation {
        SkypeForBusinessTests.position(of: needle, occurrence: occurrence, in: text, offset: offset, file: file)
    }

    static let tls = "TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=pexip.vc.example;Port=5061"

    /// One expanded route record, as `Select-Object -ExpandProperty Route` prints it. [M4]
    static func routeRecord(_ matchURI: String = "vc.example", transport: String = tls, enabled: String = "True", phone: String = "False", replace: String = "False") -> String {
        """
        Transport               : \(transport)
        MatchUri                : \(matchURI)
        MatchOnlyPhoneUri       : \(phone)
        Enabled                 : \(enabled)
        ReplaceHostInRequestUri : \(replace)

        """
    }

    static func expand(_ identity: String, _ records: String...) -> String {
        "PS C:\\> Get-CsStaticRoutingConfiguration -Identity \(identity) | Select-Object -ExpandProperty Route\n\n" + records.joined(separator: "\n") + "\n"
    }

    static func fixture(_ name: String) -> String { TestPlans.path("Fixtures/exports/sfb/\(name)") }

    // MARK: Routes

    // [M4] the expanded route prints Transport (TLS: Certificate, Fqdn, Port), MatchUri, MatchOnlyPhoneUri, Enabled and
    // ReplaceHostInRequestUri: every one becomes the native key, located at its value and named as PowerShell prints it.
    @Test func everyPropertyOfAnExpandedRouteIsRead() throws {
        let text = Self.expand("global", Self.routeRecord("vc.example", enabled: "False", phone: "True", replace: "True"))
        let sections = Self.read(text)
        #expect(Self.errors(sections).isEmpty, "\(sections.diagnostics)")
        let route = try #require(Self.routes(sections, "global").first)
        #expect(route["match_uri"]?.text == "vc.example")
        #expect(route["destination"]?.text == "pexip.vc.example")
        #expect(route["port"]?.text == "5061")
        #expect(route["transport"]?.text == "tls")
        #expect(route["enabled"]?.text == "false")
        #expect(route["match_only_phone_uri"]?.text == "true")
        #expect(route["replace_host_in_request_uri"]?.text == "true")
        // Located at the values, the destination and port inside the Transport text.
        #expect(Self.entry(route, "match_uri")?.label == "Route[0] MatchUri")
        #expect(route["match_uri"]?.location == Self.position(of: "vc.example\n", in: text))
        #expect(Self.entry(route, "destination")?.label == "Route[0] Transport")
        #expect(route["destination"]?.location == Self.position(of: "pexip.vc.example", in: text))
        #expect(route["port"]?.location == Self.position(of: "5061", in: text))
        #expect(route["transport"]?.location == Self.position(of: "TransportChoice", in: text))
        #expect(Self.entry(route, "replace_host_in_request_uri")?.label == "Route[0] ReplaceHostInRequestUri")
        #expect(route.location == Self.position(of: "Transport ", in: text))
        // Labels say which route of the configuration, as PowerShell indexes `$configuration.Route`.
        let two = Self.read(Self.expand("global", Self.routeRecord("a.example"), Self.routeRecord("b.example")))
        #expect(Self.entry(Self.routes(two, "global").last, "match_uri")?.label == "Route[1] MatchUri")
    }

    // [M3] TCP takes an IP address: destination = the address. The ToString is INFERRED
    // (`TransportChoice=IPAddress=<ip>;Port=<n>`), so reasonable variants are accepted too.
    @Test(arguments: [
        "TransportChoice=IPAddress=10.1.0.5;Port=5060",
        "TransportChoice=TCP;IPAddress=10.1.0.5;Port=5060",
        "Port=5060; TransportChoice=IPAddress=10.1.0.5",
        "transportchoice=ipaddress=10.1.0.5;port=5060",
    ])
    func aTCPTransportGivesItsAddressAsTheDestination(transport: String) throws {
        let sections = Self.read(Self.expand("global", Self.routeRecord(transport: transport)))
        #expect(Self.errors(sections).isEmpty, "\(sections.diagnostics)")
        let route = try #require(Self.routes(sections, "global").first)
        #expect(route["transport"]?.text == "tcp")
        #expect(route["destination"]?.text == "10.1.0.5")
        #expect(route["port"]?.text == "5060")
    }

    @Test func theTLSTransportReadsItsFQDNWhateverItsCertificate() throws {
        let transport = "TransportChoice=Certificate=Issuer=CN=Example CA;SerialNumber=0A1B;Fqdn=pexip.vc.example;Port=5062"
        let route = try #require(Self.routes(Self.read(Self.expand("global", Self.routeRecord(transport: transport))), "global").first)
        #expect(route["transport"]?.text == "tls")
        #expect(route["destination"]?.text == "pexip.vc.example")
        #expect(route["port"]?.text == "5062")
    }

    // [M1] [M5] what the output leaves out takes New-CsStaticRoute's defaults (Enabled True, the others False, port
    // 5061 for TLS): the reader leaves the keys out and the plan builder fills them in.
    @Test func propertiesTheOutputLeavesOutTakeTheDocumentedDefaults() throws {
        let text = """
            PS C:\\> Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route

            Transport : TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=pexip.vc.example
            MatchUri  : vc.example
            Enabled   :

            """
        let sections = Self.read(text)
        let route = try #require(Self.routes(sections, "global").first)
        #expect(Self.keys(route) == ["match_uri", "destination", "transport"])
        let plan = try Self.withPlan(transcript: text) { try Self.loadPlan(imports: [], yaml: $0) }
        let loaded = try #require(plan.skypeForBusiness?.configurations.first?.routes.first)
        #expect(loaded.port == 5061)
        #expect(loaded.enabled)
        #expect(!loaded.matchOnlyPhoneURI)
        #expect(!loaded.replaceHostInRequestURI)
    }

    @Test func aTransportThatIsNeitherTLSNorTCPIsAnErrorAtItsValue() throws {
        let text = Self.expand("global", Self.routeRecord(transport: "TransportChoice=Foo"))
        let sections = Self.read(text)
        let error = try #require(Self.errors(sections).first)
        #expect(Self.errors(sections).count == 1)
        let at = Self.position(of: "TransportChoice=Foo", in: text)
        #expect(error.description == "routes.txt:\(at.line):\(at.column): error: Transport: 'TransportChoice=Foo' is neither TransportChoice=Certificate=…;Fqdn=…;Port=… (TLS) nor TransportChoice=IPAddress=…;Port=… (TCP)")
        #expect(Self.routes(sections, "global").isEmpty)
    }

    @Test func aBooleanThatIsNeitherTrueNorFalseIsAnErrorNamingItsProperty() throws {
        let text = Self.expand("global", Self.routeRecord(enabled: "Maybe"))
        let error = try #require(Self.errors(Self.read(text)).first)
        #expect(error.message == "Enabled: 'Maybe' is neither True nor False")
        #expect(error.location == Self.position(of: "Maybe", in: text))
    }

    @Test func aPortThatIsNoPortNumberIsAnErrorInsideTheTransport() throws {
        let transport = "TransportChoice=IPAddress=10.1.0.5;Port=99999"
        let text = Self.expand("global", Self.routeRecord(transport: transport))
        let error = try #require(Self.errors(Self.read(text)).first)
        #expect(error.message.hasPrefix("Transport: the port '99999'"))
        #expect(error.location == Self.position(of: "99999", in: text))
    }

    // MARK: Which configuration

    // [M2] Identity is a named parameter and the first positional one; quoted or not, `-Identity:x`, abbreviated.
    @Test(arguments: [
        "Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route",
        "Get-CsStaticRoutingConfiguration -Identity 'global' | Select-Object -ExpandProperty Route",
        "Get-CsStaticRoutingConfiguration -Identity \"global\" | select -expand Route",
        "Get-CsStaticRoutingConfiguration -Identity:global | Select-Object -ExpandProperty Route",
        "Get-CsStaticRoutingConfiguration -Ident global | Select-Object -ExpandProperty Route",
        "Get-CsStaticRoutingConfiguration global | Select-Object -ExpandProperty Route",
        "Get-CsStaticRoutingConfiguration -LocalStore -Identity global | Select-Object -ExpandProperty Route",
        "(Get-CsStaticRoutingConfiguration -Identity global).Route",
    ])
    func theConfigurationIsTheIdentityTheCommandNames(command: String) throws {
        let text = "PS C:\\Users\\admin> \(command)\n\n" + Self.routeRecord()
        let sections = Self.read(text)
        #expect(Self.errors(sections).isEmpty, "\(sections.diagnostics)")
        let configuration = try #require(Self.configurations(sections)["global"])
        let identity = try #require(Self.entry(configuration, "identity"))
        #expect(identity.label == "-Identity")
        #expect(identity.value.location == Self.position(of: "global", in: text))
        #expect(Self.routes(sections, "global").count == 1)
    }

    @Test func aRegistrarIdentityIsKeptAsWritten() throws {
        let text = Self.expand("\"Service:Registrar:sfb-apac.example\"", Self.routeRecord())
        let sections = Self.read(text)
        #expect(Self.configurations(sections).keys.sorted() == ["Service:Registrar:sfb-apac.example"])
        // No pool is made up from the identity: pools come from Get-CsPool (or the YAML).
        #expect(Self.section(sections)?["pools"] == nil)
    }

    // Without -Identity (or without an echoed command), the routes belong to the one configuration the file lists.
    @Test func withoutAnIdentityTheRoutesBelongToTheOneConfigurationTheFileLists() throws {
        let text = """
            PS C:\\> Get-CsStaticRoutingConfiguration

            Identity : Global
            Route    : {MatchUri=vc.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}


            PS C:\\> Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty Route

            """ + Self.routeRecord()
        let sections = Self.read(text)
        #expect(Self.errors(sections).isEmpty, "\(sections.diagnostics)")
        let configuration = try #require(Self.configurations(sections)["Global"])
        #expect(Self.entry(configuration, "identity")?.label == "Identity")
        #expect(Self.routes(sections, "Global").count == 1)
        // Output saved without its command, the same.
        let saved = "Identity : global\nRoute    : {MatchUri=vc.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}\n\n" + Self.routeRecord()
        #expect(Self.routes(Self.read(saved), "global").count == 1)
    }

    @Test func withoutAnIdentityAndNotOneListedConfigurationTheRoutesAreAnError() throws {
        let text = """
            PS C:\\> Get-CsStaticRoutingConfiguration

            Identity : Global
            Route    : {MatchUri=vc.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}

            Identity : Service:Registrar:sfb-apac.example
            Route    : {MatchUri=vc.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}


            PS C:\\> Get-CsStaticRoutingConfiguration | Select-Object -ExpandProperty Route

            """ + Self.routeRecord() + "\n" + Self.routeRecord()
        let errors = Self.errors(Self.read(text))
        let error = try #require(errors.first { $0.message.hasPrefix("these routes") })
        #expect(error.message.contains("names no -Identity"))
        #expect(error.message.contains("the file lists 2 configurations (Global, Service:Registrar:sfb-apac.example)"))
        #expect(error.message.contains("run `Get-CsStaticRoutingConfiguration -Identity <identity> | Select-Object -ExpandProperty Route` once per configuration"))
        #expect(error.location == Self.position(of: "Get-CsStaticRoutingConfiguration | Select", in: text))
        // No listing at all, no command: the same error, at the first route.
        let bare = Self.read(Self.routeRecord())
        let noListing = try #require(Self.errors(bare).first)
        #expect(noListing.message.contains("no command is echoed before them, and the file has no Get-CsStaticRoutingConfiguration listing to tell"))
        #expect(noListing.location == DialPlanKit.SourceLocation(file: "routes.txt", line: 1, column: 1))
    }

    // The sample shows the identity as typed [M4]; `Global` and `global` are one configuration.
    @Test func identitiesCompareWithoutCase() throws {
        let text = """
            PS C:\\> Get-CsStaticRoutingConfiguration

            Identity : Global
            Route    : {MatchUri=vc.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}


            """ + Self.expand("global", Self.routeRecord())
        let sections = Self.read(text)
        #expect(Self.errors(sections).isEmpty, "\(sections.diagnostics)")
        #expect(Self.configurations(sections).keys.sorted() == ["global"])
        #expect(Self.routes(sections, "global").count == 1)
    }

    @Test func theSameConfigurationExpandedTwiceIsReadOnceWithANote() throws {
        let text = Self.expand("global", Self.routeRecord("a.example")) + "\n" + Self.expand("Global", Self.routeRecord("b.example"))
        let sections = Self.read(text)
        #expect(Self.routes(sections, "global").compactMap { $0["match_uri"]?.text } == ["a.example"])
        let note = try #require(sections.diagnostics.first { $0.severity == .note })
        #expect(note.check == .exportIgnored)
        #expect(note.message.contains("listed again"))
    }

    // MARK: The plain listing

    // [M4] the plain listing prints Identity and Route without destinations: alone, it cannot give routes.
    @Test func thePlainListingAloneIsAnErrorAtItsRouteNamingTheCommandThatShowsDestinations() throws {
        let file = try ExportFile.read(Self.fixture("plain-listing.txt"))
        let sections = SfBExport.read([file])
        let errors = Self.errors(sections)
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.message == "Route: the Get-CsStaticRoutingConfiguration listing shows 1 route of 'Global' (MatchUri 'vc.example') but not where it goes: it prints no destination; run `Get-CsStaticRoutingConfiguration -Identity Global | Select-Object -ExpandProperty Route` and add its output")
        // plain-listing.txt line 3: `Route    : {MatchUri=…`, the value at column 12.
        #expect(error.location == DialPlanKit.SourceLocation(file: Self.fixture("plain-listing.txt"), line: 3, column: 12))
        // `Route : {}`: a configuration without routes, which is fine.
        let empty = try #require(Self.configurations(sections)["Service:Registrar:sfb-apac.example"])
        #expect(Self.items(empty["routes"]).isEmpty)
        #expect(Self.configurations(sections)["Global"] == nil)
    }

    @Test func theListingIsFineWhereTheRoutesAreExpandedToo() throws {
        let listing = "Identity : Global\nRoute    : {MatchUri=vc.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False}\n"
        let sections = Self.read([("listing.txt", listing), ("routes.txt", Self.expand("global", Self.routeRecord()))])
        #expect(Self.errors(sections).isEmpty, "\(sections.diagnostics)")
        #expect(Self.routes(sections, "global").count == 1)
    }

    @Test func aTruncatedRouteListStillNeedsTheExpandedRoutes() throws {
        let listing = "Identity : Global\nRoute    : {MatchUri=a.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False, MatchUri=b.example;MatchOnlyPhoneUri=False;Enabled=True;ReplaceHostInRequestUri=False...}\n"
        let error = try #require(Self.errors(Self.read(listing)).first)
        #expect(error.message.contains("shows 2 or more routes of 'Global' (MatchUri 'a.example', 'b.example', …)"))
    }

    // MARK: Trusted application pools and computers

    static let trustedPools = """
        PS C:\\> Get-CsTrustedApplicationPool

        Identity             : TrustedApplicationPool:pexip.vc.example
        Registrar            : Registrar:sfb-emea.example
        FileStore            :
        ThrottleAsServer     : True
        TreatAsAuthenticated : True
        OutboundOnly         : False
        RequiresReplication  : False
        Computers            : {px1.vc.example, px2.vc.example}
        DependentServiceList : {}
        ServiceId            : 1-ExternalServer-1
        SiteId               : Site:EMEA
        PoolFqdn             : pexip.vc.example
        Version              : 7
        Role                 : TrustedApplicationPool


        """

    static let computers = """
        PS C:\\> Get-CsTrustedApplicationComputer

        Identity : px3.vc.example
        Pool     : pexip.vc.example
        Fqdn     : px3.vc.example

        Identity : px4.vc.example
        Pool     : TrustedApplicationPool:pexip.vc.example
        Fqdn     : px4.vc.example


        """

    // [M6] [M8] Identity `TrustedApplicationPool:<fqdn>`, PoolFqdn; [M7] the computer listing names each computer's pool.
    @Test func aPoolsComputersAreThoseTheComputerListingNames() throws {
        let text = Self.trustedPools + Self.computers
        let sections = Self.read(text)
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let pool = try #require(Self.trusted(sections).first)
        #expect(pool["fqdn"]?.text == "pexip.vc.example")
        #expect(Self.entry(pool, "fqdn")?.label == "PoolFqdn")
        #expect(pool["fqdn"]?.location == Self.position(of: "pexip.vc.example\n", occurrence: 2, in: text))
        #expect(Self.texts(pool["computers"]) == ["px3.vc.example", "px4.vc.example"])
        #expect(Self.items(pool["computers"]).first?.location == Self.position(of: "px3.vc.example", in: text))
        #expect(pool["registrar"]?.text == "sfb-emea.example")
        #expect(pool["site"]?.text == "Site:EMEA")
    }

    @Test func withoutAComputerListingAPoolsComputersAreItsComputersProperty() throws {
        let text = Self.trustedPools
        let sections = Self.read(text)
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let pool = try #require(Self.trusted(sections).first)
        #expect(Self.texts(pool["computers"]) == ["px1.vc.example", "px2.vc.example"])
        #expect(Self.entry(pool, "computers")?.label == "Computers")
        #expect(Self.items(pool["computers"]).last?.location == Self.position(of: "px2.vc.example", in: text))
    }

    // [M7] creating a pool creates a computer with the pool's FQDN (unless -ComputerFqdn is given).
    @Test func withNeitherAPoolsComputerIsItsOwnFQDNWithANote() throws {
        let text = """
            Identity : TrustedApplicationPool:pexip.vc.example
            PoolFqdn : pexip.vc.example
            Role     : TrustedApplicationPool
            """
        let sections = Self.read(text)
        let pool = try #require(Self.trusted(sections).first)
        #expect(Self.texts(pool["computers"]) == ["pexip.vc.example"])
        let note = try #require(sections.diagnostics.first)
        #expect(sections.diagnostics.count == 1)
        #expect(note.severity == .note)
        #expect(note.check == .exportIgnored)
        #expect(note.message.contains("takes its FQDN as its one computer"))
        #expect(note.location == Self.position(of: "pexip.vc.example", occurrence: 2, in: text))
    }

    // Get-CsTrustedApplicationComputer lists computers of trusted application pools only [M7]: its records alone
    // make the pools; Get-CsComputer's (front ends) do not.
    @Test func theComputerListingAloneMakesItsTrustedPools() throws {
        let sections = Self.read(Self.computers)
        let pools = Self.trusted(sections)
        #expect(pools.count == 1)
        #expect(pools.first?["fqdn"]?.text == "pexip.vc.example")
        #expect(Self.texts(pools.first?["computers"]) == ["px3.vc.example", "px4.vc.example"])
        let frontEnds = Self.read("PS C:\\> Get-CsComputer\n\nIdentity : fe01.example\nPool     : sfb-emea.example\nFqdn     : fe01.example\n")
        #expect(Self.section(frontEnds) == nil)
    }

    @Test func aTruncatedComputerListIsAnErrorAskingForTheWholeList() throws {
        let text = """
            Identity  : TrustedApplicationPool:pexip.vc.example
            PoolFqdn  : pexip.vc.example
            Computers : {px1.vc.example, px2.vc.example, px3.vc.example, px4.vc.example...}
            """
        let error = try #require(Self.errors(Self.read(text)).first)
        #expect(error.message.contains("Computers: the list ends in '...'"))
        #expect(error.message.contains("$FormatEnumerationLimit = -1"))
        #expect(error.location == Self.position(of: "{px1", in: text))
        // PowerShell 7 cuts with an ellipsis character.
        #expect(!Self.errors(Self.read(text.replacingOccurrences(of: "...}", with: "…}"))).isEmpty)
    }

    // MARK: Registrar pools

    static let pools = """
        PS C:\\> Get-CsPool

        Identity       : sfb-emea.example
        Services       : {UserServer:sfb-emea.example, Registrar:sfb-emea.example, UserDatabase:sql-emea.example,
                         FileStore:fs-emea.example...}
        Computers      : {fe01-emea.example, fe02-emea.example}
        Fqdn           : sfb-emea.example
        BackupPoolFqdn :
        Site           : Site:EMEA

        Identity       : sql-emea.example
        Services       : {UserDatabase:sql-emea.example}
        Computers      : {sql-emea.example}
        Fqdn           : sql-emea.example
        BackupPoolFqdn :
        Site           : Site:EMEA

        Identity       : pexip.vc.example
        Services       : {ExternalServer:pexip.vc.example}
        Computers      : {px1.vc.example, px2.vc.example}
        Fqdn           : pexip.vc.example
        BackupPoolFqdn :
        Site           : Site:EMEA


        """

    // Users are homed on Registrar pools: Get-CsPool's pools whose Services include a Registrar.
    @Test func registrarPoolsAreTheGetCsPoolPoolsWithARegistrarService() throws {
        let sections = Self.read(Self.pools)
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let pools = Self.registrars(sections)
        #expect(pools.compactMap { $0["fqdn"]?.text } == ["sfb-emea.example"])
        #expect(Self.entry(pools.first, "fqdn")?.label == "Identity")
        #expect(pools.first?["fqdn"]?.location == Self.position(of: "sfb-emea.example", in: Self.pools))
        #expect(pools.first?["site"]?.text == "Site:EMEA")
    }

    // A cut Services list hides a Registrar only when none is shown.
    @Test func aTruncatedServiceListIsAnErrorOnlyWhenItShowsNoRegistrar() throws {
        let text = """
            Identity  : sfb-emea.example
            Services  : {UserServer:sfb-emea.example, UserDatabase:sql-emea.example, FileStore:fs-emea.example, WebServer:sfb-emea.example...}
            Computers : {fe01-emea.example}
            """
        let error = try #require(Self.errors(Self.read(text)).first)
        #expect(error.message.contains("whether 'sfb-emea.example' is a Registrar pool cannot be read"))
        #expect(error.message.contains("$FormatEnumerationLimit = -1"))
        #expect(error.location == Self.position(of: "{UserServer", in: text))
    }

    // Get-CsPool also prints a trusted application pool's computers (its ExternalServer service).
    @Test func getCsPoolGivesATrustedPoolsComputersWhenItsListingHasNone() throws {
        let listing = "Identity : TrustedApplicationPool:pexip.vc.example\nPoolFqdn : pexip.vc.example\n"
        let sections = Self.read([("pools.txt", Self.pools), ("trusted.txt", listing)])
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let pool = try #require(Self.trusted(sections).first)
        #expect(Self.texts(pool["computers"]) == ["px1.vc.example", "px2.vc.example"])
    }

    // MARK: JSON

    // The projection one-liner's JSON (EXPORTS.md §3.1): an array, Identity per route, booleans true/false.
    @Test func theJSONProjectionArrayGivesEachConfigurationsRoutes() throws {
        let path = Self.fixture("routes-projection.json")
        let sections = SfBExport.read([try ExportFile.read(path)])
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let global = Self.routes(sections, "Global")
        #expect(global.compactMap { $0["match_uri"]?.text } == ["vc.example", "*.vc.example"])
        #expect(global.map { $0["enabled"]?.text } == ["true", "false"])
        #expect(global.first?["destination"]?.text == "pexip-oslo.vc.example")
        #expect(Self.entry(global.first, "match_uri")?.label == "[0].MatchUri")
        #expect(global.first?["match_uri"]?.location == DialPlanKit.SourceLocation(file: path, line: 4, column: 22))
        let apac = Self.routes(sections, "Service:Registrar:sfb-apac.example")
        #expect(global.map { $0["match_only_phone_uri"]?.text } == ["false", "true"])
        #expect(apac.first?["replace_host_in_request_uri"]?.text == "false")
        #expect(Self.entry(apac.first, "destination")?.label == "[2].Transport")
    }

    // ConvertTo-Json prints one route as an object, not an array.
    @Test func theJSONProjectionOfOneRouteIsOneObject() throws {
        let json = """
            {
                "Identity":  "Global",
                "MatchUri":  "vc.example",
                "Transport":  "TransportChoice=IPAddress=10.1.0.5;Port=5060",
                "Enabled":  true,
                "MatchOnlyPhoneUri":  false,
                "ReplaceHostInRequestUri":  false
            }
            """
        let sections = Self.read(json, file: "routes.json")
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let route = try #require(Self.routes(sections, "Global").first)
        #expect(route["destination"]?.text == "10.1.0.5")
        #expect(route["transport"]?.text == "tcp")
        #expect(Self.entry(route, "destination")?.label == "Transport")
    }

    @Test func jsonThatIsNotTheProjectionIsAnErrorGivingTheOneLiner() throws {
        // Get-CsStaticRoutingConfiguration | ConvertTo-Json as it is: nested objects (INFERRED).
        let json = #"[{"Identity": {"ScopeClass": "Global"}, "Route": [{"MatchUri": "vc.example"}]}]"#
        let error = try #require(Self.errors(Self.read(json, file: "routes.json")).first)
        #expect(error.message.contains("it has no MatchUri, Transport"))
        #expect(error.message.contains(SfBExport.projection))
        let nested = #"[{"Identity": {"ScopeClass": "Global"}, "MatchUri": "vc.example", "Transport": "TransportChoice=IPAddress=10.1.0.5"}]"#
        let identity = try #require(Self.errors(Self.read(nested, file: "routes.json")).first)
        #expect(identity.message.hasPrefix("[0].Identity is a JSON object, not text"))
    }

    // MARK: The transcript

    @Test func promptsOfEveryShellEchoTheirCommands() {
        let text = """
            PS C:\\Users\\admin> Get-CsPool -Identity sfb-emea.example

            Identity : sfb-emea.example

            PS>Get-CsTrustedApplicationPool
            [sfb-fe01.example]: PS C:\\Users\\admin\\Documents> Get-CsStaticRoutingConfiguration -Identity global |
            >> Select-Object -ExpandProperty Route

            Transport : x

            PS C:\\>
            PSComputerName : sfb-fe01
            """
        let transcript = PowerShellTranscript.parse(ExportFile(path: "t.txt", text: text))
        #expect(transcript.commands.map(\.text.text) == [
            "Get-CsPool -Identity sfb-emea.example",
            "Get-CsTrustedApplicationPool",
            "Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route",
        ])
        #expect(transcript.commands[2].location == Self.position(of: "Get-CsStaticRoutingConfiguration", in: text, file: "t.txt"))
        #expect(transcript.records.map(\.command) == [0, 2, nil])
        #expect(transcript.records.last?["pscomputername"]?.text == "sfb-fe01")
        // A remote session's transcript starts with `[`, and is no JSON.
        let remote = "[sfb-fe01.example]: PS C:\\> Get-CsPool\n\nIdentity : sfb-emea.example\nServices : {Registrar:sfb-emea.example}\nFqdn     : sfb-emea.example\n"
        let sections = Self.read(remote)
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        #expect(Self.registrars(sections).count == 1)
    }

    // Start-Transcript headers and footers (Windows PowerShell 5.1's, and 2.0's whose lines look like properties).
    @Test func transcriptHeadersAndFootersAreSkipped() {
        let text = """
            **********************
            Windows PowerShell Transcript Start
            Start time: 20110526095112
            Username  : CONTOSO\\administrator
            Machine	  : LYNC01 (Microsoft Windows NT 6.1.7601 Service Pack 1)
            **********************
            Transcript started, output file is C:\\transcript.txt
            PS C:\\> Get-CsPool

            Identity : sfb-emea.example
            Services : {Registrar:sfb-emea.example}
            Fqdn     : sfb-emea.example

            PS C:\\> Stop-Transcript
            **********************
            Windows PowerShell transcript end
            End time: 20110526095301
            **********************
            """
        let transcript = PowerShellTranscript.parse(ExportFile(path: "t.txt", text: text))
        #expect(transcript.records.count == 1)
        #expect(transcript.records.first?["Identity"]?.text == "sfb-emea.example")
        let sections = Self.read(text)
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        #expect(Self.registrars(sections).count == 1)
    }

    // [PS] a value too long for the console goes on at the value column; word wrap breaks after a space, else
    // anywhere: the pieces join as they are, and each character keeps its position.
    @Test func wrappedValuesAreJoinedAndKeepTheirPositions() throws {
        let text = """
            Transport               : TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefau
                                      ltCert;Fqdn=pexip.vc.example;Port=5061
            MatchUri                : vc.example

            Identity  : TrustedApplicationPool:pexip.vc.example
            PoolFqdn  : pexip.vc.example
            Computers : {px1.vc.example, px2.vc.example, px3.vc.example, px4.vc.example, px5.vc.example, px6.vc.example,
                        px7.vc.example}
            """
        let full = "PS C:\\> Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route\n" + text
        let sections = Self.read(full, file: "t.txt")
        #expect(sections.diagnostics.isEmpty, "\(sections.diagnostics)")
        let route = try #require(Self.routes(sections, "global").first)
        #expect(route["destination"]?.text == "pexip.vc.example")
        #expect(route["destination"]?.location == Self.position(of: "pexip.vc.example", in: full, file: "t.txt"))
        #expect(route["destination"]?.location.line == 3)
        let pool = try #require(Self.trusted(sections).first)
        #expect(Self.texts(pool["computers"]).count == 7)
        #expect(Self.items(pool["computers"]).last?.location == Self.position(of: "px7.vc.example", in: full, file: "t.txt"))
    }

    // Transcripts on Windows end lines with CRLF; `>`/Out-File in Windows PowerShell 5.1 writes UTF-16LE with a BOM.
    @Test func crlfAndUTF16TranscriptsReadAsUTF8Ones() throws {
        let text = Self.expand("global", Self.routeRecord()) + "\n" + Self.pools
        let utf8 = Self.read(text)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sfb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routes.txt").path
        var data = Data([0xFF, 0xFE])
        data.append(text.replacingOccurrences(of: "\n", with: "\r\n").data(using: .utf16LittleEndian)!)
        try data.write(to: URL(fileURLWithPath: path))
        let utf16 = SfBExport.read([try ExportFile.read(path)])
        #expect(utf16.diagnostics.isEmpty, "\(utf16.diagnostics)")
        let route = try #require(Self.routes(utf16, "global").first)
        #expect(route["destination"]?.text == "pexip.vc.example")
        #expect(route["destination"]?.location == Self.position(of: "pexip.vc.example", in: text, file: path))
        #expect(Self.routes(utf8, "global").count == Self.routes(utf16, "global").count)
        #expect(Self.registrars(utf16).count == 1)
    }

    @Test func recordsOfOtherCmdletsAreIgnoredWithOneNotePerFile() throws {
        let text = Self.pools + """
            PS C:\\> Get-CsSite

            Identity    : Site:EMEA
            SiteId      : 1
            Services    : {UserServer:sfb-emea.example, Registrar:sfb-emea.example}
            Pools       : {sfb-emea.example}
            DisplayName : EMEA

            PS C:\\> Get-CsTrustedApplication

            Identity                   : pexip.vc.example/urn:application:pexip
            TrustedApplicationPoolFqdn : pexip.vc.example
            Port                       : 5061


            """
        let sections = Self.read(text)
        let notes = sections.diagnostics.filter { $0.check == .exportIgnored }
        #expect(notes.count == 1, "\(sections.diagnostics)")
        #expect(notes.first?.severity == .note)
        #expect(notes.first?.message.hasPrefix("2 records (from Get-CsSite, Get-CsTrustedApplication) are none of what the analyzer reads") == true)
        #expect(notes.first?.location == Self.position(of: "Identity    : Site:EMEA", in: text))
        #expect(Self.registrars(sections).count == 1)
    }

    @Test func aFileWithNothingTheAnalyzerReadsIsAnErrorNamingTheCommandsItReads() throws {
        let sections = Self.read("PS C:\\> Get-CsSite\n\nIdentity : Site:EMEA\nSiteId   : 1\n", file: "site.txt")
        let error = try #require(Self.errors(sections).first)
        #expect(Self.errors(sections).count == 1)
        #expect(sections.diagnostics.count == 1)
        #expect(error.location == DialPlanKit.SourceLocation(file: "site.txt", line: 1, column: 1))
        for command in ["Get-CsStaticRoutingConfiguration -Identity <identity> | Select-Object -ExpandProperty Route", "`Get-CsStaticRoutingConfiguration`", "Get-CsTrustedApplicationPool", "Get-CsTrustedApplicationComputer", "Get-CsPool", "JSON"] {
            #expect(error.message.contains(command), "\(command)")
        }
        #expect(!Self.errors(Self.read("", file: "empty.txt")).isEmpty)
    }

    @Test func aTableOfAReadCmdletIsAnErrorAskingForFormatList() throws {
        let text = """
            PS C:\\> Get-CsTrustedApplicationComputer

            Identity                 Pool                 Fqdn
            --------                 ----                 ----
            px1.vc.example           pexip.vc.example     px1.vc.example


            """
        let error = try #require(Self.errors(Self.read(text)).first)
        #expect(error.message.contains("table (Format-Table)"))
        #expect(error.message.contains("`Get-CsTrustedApplicationComputer | Format-List`"))
        #expect(error.location == Self.position(of: "Identity ", in: text))
    }

    @Test func aFailedCommandIsAWarning() throws {
        let text = """
            PS C:\\> Get-CsTrustedApplicationPool
            Get-CsTrustedApplicationPool : The term 'Get-CsTrustedApplicationPool' is not recognized as the name of a cmdlet,
            function, script file, or operable program. Check the spelling of the name, or if a path was included, verify
            that the path is correct and try again.
            At line:1 char:1
            + Get-CsTrustedApplicationPool
            + ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
                + CategoryInfo          : ObjectNotFound: (Get-CsTrustedApplicationPool:String) [], CommandNotFoundException
                + FullyQualifiedErrorId : CommandNotFoundException

            """ + Self.pools
        let sections = Self.read(text)
        let warning = try #require(sections.diagnostics.first { $0.severity == .warning })
        #expect(warning.check == .exportIgnored)
        #expect(warning.message.hasPrefix("Get-CsTrustedApplicationPool failed here: The term 'Get-CsTrustedApplicationPool' is not recognized"))
        #expect(warning.location == DialPlanKit.SourceLocation(file: "routes.txt", line: 2, column: 1))
        #expect(Self.errors(sections).isEmpty)
    }

    // Never a crash or a hang, whatever the bytes: random bytes, and random mixes of the transcript's own pieces.
    @Test func anyInputIsReadWithoutACrashOrAHang() {
        var generator = SplitMix64(seed: 0x5FB)
        let pieces = [
            "PS C:\\> ", "PS>", ">> ", "[h]: PS C:\\> ", "Get-CsStaticRoutingConfiguration", " -Identity ", "'", "\"", "|", " : ", " :", ":",
            "Transport", "MatchUri", "Identity", "Route", "Services", "Computers", "Pool", "PoolFqdn", "TrustedApplicationPool:",
            "Registrar:", "{", "}", ", ", "...}", "…", "=", ";", "Fqdn=", "IPAddress=", "Port=", "TransportChoice=", "Certificate=",
            "\n", "\n\n", "\r\n", "    ", "\t", "**********************\n", "At line:1 char:1\n", "----  ----\n", "True", "False",
            "[", "]", "{\"Identity\": ", "\u{FEFF}", "é", "🎉", "\0",
        ]
        for round in 0..<400 {
            var text: String
            if round % 2 == 0 {
                let count = Int.random(in: 0...600, using: &generator)
                let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                text = String(decoding: bytes, as: UTF8.self)
            } else {
                text = ""
                for _ in 0..<Int.random(in: 0...300, using: &generator) { text += pieces.randomElement(using: &generator)! }
            }
            let file = ExportFile(path: "random.txt", text: text)
            _ = PowerShellTranscript.parse(file)
            _ = SfBExport.read([file])
        }
    }

    // Linear time: a large transcript (many records, long wrapped values, a huge collection) reads quickly.
    @Test func largeTranscriptsReadInLinearTime() {
        var text = "PS C:\\> Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route\n\n"
        for index in 0..<5_000 { text += Self.routeRecord("d\(index).example") + "\n" }
        text += "Identity  : TrustedApplicationPool:pexip.vc.example\nPoolFqdn  : pexip.vc.example\nComputers : {"
        for index in 0..<20_000 { text += (index == 0 ? "" : ", \n            ") + "px\(index).vc.example" }
        text += "}\n"
        let clock = ContinuousClock()
        var sections = ImportedSections()
        let elapsed = clock.measure { sections = Self.read(text) }
        #expect(Self.routes(sections, "global").count == 5_000)
        #expect(Self.texts(Self.trusted(sections).first?["computers"]).count == 20_000)
        #expect(elapsed < .seconds(20), "\(elapsed)")

        // A very long command with many records of another cmdlet, and a Transport of many `=`.
        let filler = String(repeating: "x", count: 200_000)
        var other = "PS C:\\> Get-CsSite -Filter '\(filler)' | Format-List\n\n"
        for index in 0..<5_000 { other += "Identity : Site:\(index)\nSiteId   : \(index)\n\n" }
        other += "PS C:\\> Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route\n\n"
        other += Self.routeRecord(transport: String(repeating: "a=", count: 100_000))
        var mixed = ImportedSections()
        let mixedElapsed = clock.measure { mixed = Self.read(other) }
        #expect(mixed.diagnostics.contains { $0.message.contains("5000 records") })
        #expect(Self.errors(mixed).count == 1)
        #expect(mixedElapsed < .seconds(20), "\(mixedElapsed)")
    }

    // MARK: Whole plans

    /// A plan whose Skype for Business section comes from `imports` (paths), with SkypeForBusinessTests' Pexip, call
    /// control and sites, and no DNS (so destinations resolve through trusted application pools).
    static func planYAML(imports: [String], pools: String = "[]", dns: [String] = []) -> String {
        let list = imports.map { "\"\($0)\"" }.joined(separator: ", ")
        return "imports:\n  skype_for_business: [\(list)]\n" + SkypeForBusinessTests.plan(configurations: [], dns: dns, pools: pools)
    }

    static func loadPlan(imports: [String], yaml: String? = nil) throws(PlanLoadError) -> DialPlan {
        try PlanLoader.load(files: [("/plans/plan.yaml", yaml ?? planYAML(imports: imports))], name: "plan.yaml")
    }

    /// A plan importing `transcript` (written to a temporary file, removed afterwards) beside the plan's own pools,
    /// handed to `body`.
    static func withPlan<T>(transcript: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sfb-\(UUID().uuidString).txt").path
        try transcript.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(planYAML(imports: [path], pools: "[sfb-emea.example, sfb-apac.example]", dns: SkypeForBusinessTests.defaultDNS))
    }

    // A Start-Transcript session (CRLF, wrapped values, every command read, and Get-CsSite, ignored) as the whole
    // Skype for Business section: the EMEA pool's users take the global route to the Oslo trusted pool, the APAC
    // pool's its own configuration's route to Singapore, each resolved through the computer listing.
    @Test func aTranscriptSessionRoutesSkypeCallsToTheirRegionsNodes() throws {
        let plan = try Self.loadPlan(imports: [Self.fixture("session")])
        let sfb = try #require(plan.skypeForBusiness)
        #expect(sfb.pools.map(\.fqdn) == ["sfb-emea.example", "sfb-apac.example"])
        #expect(sfb.configurations.map(\.identity) == ["Global", "Service:Registrar:sfb-apac.example"])
        #expect(sfb.trustedApplicationPools.map(\.computers) == [["osl1.vc.example", "osl2.vc.example"], ["sin1.vc.example", "sin2.vc.example"]])
        let apacRoute = try #require(sfb.configurations.last?.routes.first)
        #expect(apacRoute.destination == "pexip-sin.vc.example")
        #expect(apacRoute.port == 5061)
        #expect(apacRoute.source.file == Self.fixture("session/sfb-fe01-transcript.txt"))
        #expect(sfb.configurations.first?.routes.map(\.enabled) == [true, false])

        let oslo = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip)
        #expect(oslo.verdict == .local)
        #expect(TestPlans.nodes(oslo, in: plan).sorted() == ["osl1", "osl2"])
        let singapore = TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip)
        #expect(singapore.verdict == .local)
        #expect(TestPlans.nodes(singapore, in: plan).sorted() == ["sin1", "sin2"])
        #expect(singapore.steps.contains { $0.kind == .dns && $0.detail.contains("trusted application pool pexip-sin.vc.example") })
        // Get-CsSite's record is noted once, as ignored.
        #expect(plan.warnings.filter { $0.check == .exportIgnored }.count == 1)
    }

    // The JSON projection beside the YAML's pools, resolved by DNS.
    @Test func theJSONProjectionRoutesSkypeCallsBesideTheYAMLsPools() throws {
        let plan = try Self.loadPlan(imports: [], yaml: Self.planYAML(
            imports: [Self.fixture("routes-projection.json")], pools: "[sfb-emea.example, sfb-apac.example]", dns: SkypeForBusinessTests.defaultDNS))
        #expect(TestPlans.nodes(TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example", .mssip), in: plan).sorted() == ["osl1", "osl2"])
        #expect(TestPlans.nodes(TestPlans.call(plan, from: "Singapore Office", "meet.alice@vc.example", .mssip), in: plan).sorted() == ["sin1", "sin2"])
    }

    // A plain listing alone stops the load at its Route line.
    @Test func aPlanImportingOnlyThePlainListingFailsAtItsRoute() throws {
        do {
            _ = try Self.loadPlan(imports: [], yaml: Self.planYAML(imports: [Self.fixture("plain-listing.txt")], pools: "[sfb-emea.example, sfb-apac.example]"))
            Issue.record("the plan loaded")
        } catch {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message.contains("prints no destination"))
            #expect(diagnostic.location == DialPlanKit.SourceLocation(file: Self.fixture("plain-listing.txt"), line: 3, column: 12))
        }
    }

    // The plan builder names imported keys as the transcript spells them.
    @Test func theBuilderNamesImportedKeysAsTheTranscriptDoes() throws {
        let text = """
            PS C:\\> Get-CsStaticRoutingConfiguration -Identity global | Select-Object -ExpandProperty Route

            Transport : TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=pexip.vc.example
            MatchUri  :

            """
        let outcome = try Self.withPlan(transcript: text) { yaml in Result { () throws(PlanLoadError) in try Self.loadPlan(imports: [], yaml: yaml) } }
        switch outcome {
        case .success:
            Issue.record("the plan loaded")
        case .failure(let error):
            let at = Self.position(of: "MatchUri  :", in: text, offset: 12, file: "")
            let empty = error.diagnostics.first { $0.message.contains("'Route[0] MatchUri' is empty") }
            #expect(empty != nil, "\(error.diagnostics)")
            #expect(empty?.location?.line == at.line)
        }
    }
}

/// A small deterministic generator (SplitMix64), so that the robustness test is the same on every run.
