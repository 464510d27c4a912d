import Foundation

/// Writes a realistic large dial plan, deterministically for a seed: for demos, load tests and the benchmark.
///
/// The shape is a global enterprise's: four regional VCS clusters (EMEA, AMER, APAC, MEA) that hand calls to each
/// other by endpoint domain and E.164 number range; a Pexip location per data centre city (three nodes each) and a
/// proxying edge location for home workers; one subzone and one named-source search rule per site sending its VMR
/// calls to its own city's Pexip location, Local Zone rules first, department prefix rules, a fallback for calls
/// from neighbor zones and a DNS zone for the Internet; the usual pre-search transforms (strip `sip:`, a legacy
/// domain, a domain for bare VMR numbers, `00` to `+`); personal VMRs with a URI and a number each, some Virtual
/// Auditoriums; and hundreds of Call Routing Rules (PSTN breakout per location, a legacy CUCM extension range per
/// site, Teams and Skype for Business interop). Every call is local unless `faults` plants typical mistakes.
public struct PlanGenerator: Sendable {
    public struct Options: Sendable {
        public var sites: Int
        public var vmrs: Int
        public var seed: UInt64
        /// How many typical mistakes to plant (0: a healthy plan), up to `PlanGenerator.faultKinds`.
        public var faults: Int
        /// Also write a `network:` section (data centres, offices, WAN firewalls, the edge DMZ).
        public var network: Bool
        /// Give every site's search rule a pattern of its own (it also takes the site's room aliases,
        /// `s<site number>.…@vc.corp.example`), so that no two sites share a search: the simulation's worst case.
        public var distinctSiteRules: Bool

        public init(sites: Int = 200, vmrs: Int = 50_000, seed: UInt64 = 1, faults: Int = 0, network: Bool = false, distinctSiteRules: Bool = false) {
            self.sites = sites
            self.vmrs = vmrs
            self.seed = seed
            self.faults = faults
            self.network = network
            self.distinctSiteRules = distinctSiteRules
        }
    }

    /// The mistakes `faults` plants, in order.
    public static let faultKinds = [
        "a site rule sends its calls to another city's Pexip location",
        "a zone's peers span two locations",
        "a transform adds the wrong domain to VMR numbers",
        "a Call Routing Rule overlaps the VMR numbers",
        "a fallback rule is searched before the site rules",
        "two clusters pass a number range back and forth",
    ]

    public let options: Options
    private let regions: [Region]
    private let sites: [GeneratedSite]

    struct Region {
        var key: String
        var name: String
        var domain: String
        var countryCodes: [String]
        var cities: [String]
        var weight: Int
        var cluster: String { "vcs-\(key)" }
    }

    struct GeneratedSite {
        var name: String
        var region: Int
        /// The city whose Pexip location is local; nil for a home office (the edge).
        var city: Int?
        var subzone: String
        /// The site's legacy CUCM extension range (three digits), when it has one.
        var code: Int?
    }

    static let edgeLocation = "Oslo-Edge"
    static let videoDomain = "vc.corp.example"

    public init(_ options: Options) {
        self.options = options
        regions = [
            Region(key: "emea", name: "EMEA", domain: "emea.corp.example", countryCodes: ["47", "44", "49"], cities: ["Oslo", "London", "Frankfurt"], weight: 35),
            Region(key: "amer", name: "AMER", domain: "amer.corp.example", countryCodes: ["1"], cities: ["New York", "Dallas", "Toronto"], weight: 30),
            Region(key: "apac", name: "APAC", domain: "apac.corp.example", countryCodes: ["65", "61", "81"], cities: ["Singapore", "Sydney", "Tokyo"], weight: 25),
            Region(key: "mea", name: "MEA", domain: "mea.corp.example", countryCodes: ["971", "27"], cities: ["Dubai", "Johannesburg"], weight: 10),
        ]
        var rng = SplitMix64(seed: options.seed)
        var sites: [GeneratedSite] = []
        var perCity: [String: Int] = [:]
        let homeOffices = options.sites >= 20 ? max(1, options.sites / 20) : 0
        let totalWeight = regions.reduce(0) { $0 + $1.weight }
        for index in 0..<options.sites {
            if index < homeOffices {
                sites.append(GeneratedSite(name: "Home Office \(index + 1)", region: 0, city: nil, subzone: "Remote-EMEA", code: nil))
                continue
            }
            var pick = rng.below(totalWeight)
            var region = 0
            while pick >= regions[region].weight {
                pick -= regions[region].weight
                region += 1
            }
            let city = rng.below(regions[region].cities.count)
            let cityName = regions[region].cities[city]
            perCity[cityName, default: 0] += 1
            let code = index < 900 ? 100 + index : nil
            sites.append(GeneratedSite(name: "\(cityName) Office \(perCity[cityName]!)", region: region, city: city, subzone: "SZ-\(index + 1)", code: code))
        }
        self.sites = sites
    }

    /// Whether fault number `index` (see `faultKinds`) is planted: asked for, and the plan has the sites it needs.
    private func planted(_ index: Int) -> Bool { index < options.faults && canPlant(index) }

    /// Whether the plan has what fault `index` acts on; a fault nothing would show is not planted.
    private func canPlant(_ index: Int) -> Bool {
        let cityRegions = Set(sites.filter { $0.city != nil }.map(\.region))
        switch index {
        case 0: return cityRegions.contains(0)  // an EMEA site's rule
        case 2: return sites.contains { $0.region == 0 }  // the EMEA cluster's transform
        case 4: return sites.contains { $0.region == 2 && ($0.city ?? 0) != 0 }  // an APAC site outside Singapore
        case 5: return !cityRegions.isDisjoint(with: [0, 1])  // a site of EMEA or AMER dials the range
        default: return true  // a zone, a Call Routing Rule: there in every plan
        }
    }

    /// The mistakes actually planted, in `faultKinds` order: those asked for that the plan's sites can show.
    public var plantedFaults: [String] {
        PlanGenerator.faultKinds.indices.filter(planted).map { PlanGenerator.faultKinds[$0] }
    }

    /// The mistakes asked for but not planted, because no generated site would show them.
    public var skippedFaults: [String] {
        PlanGenerator.faultKinds.indices.filter { $0 < options.faults && !canPlant($0) }.map { PlanGenerator.faultKinds[$0] }
    }

    /// The plan's files: name and contents.
    public func files() -> [(name: String, text: String)] {
        var files = [
            ("pexip.yaml", pexip()),
            ("call-control.yaml", callControl()),
            ("sites.yaml", sitesSection()),
        ]
        // Services by region of their owners, as large deployments keep them.
        let chunks = 4
        for chunk in 0..<chunks { files.append(("conferences-\(regions[chunk].key).yaml", conferences(chunk: chunk, of: chunks))) }
        if options.network { files.append(("network.yaml", networkSection())) }
        return files
    }

    /// Writes the files into `directory` (created when missing).
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files() {
            try text.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// The calls the plan makes: sites × (aliases + probes) × two protocols.
    public var callCount: Int { options.sites * (options.vmrs * 2 + probes.count) * 2 }

    // MARK: Pexip

    private func locationKey(_ region: Int, _ city: Int) -> String { regions[region].cities[city] }
    private func nodeAddress(_ region: Int, _ city: Int, _ node: Int) -> String { "10.\(region + 1).\(city + 1).\(11 + node)" }
    private func edgeAddress(_ node: Int) -> String { "192.0.2.\(21 + node)" }
    private func clusterAddresses(_ region: Int) -> [String] { ["10.\(region + 1).0.2", "10.\(region + 1).0.3"] }
    private func nodeName(_ region: Int, _ city: Int, _ node: Int) -> String {
        let city = regions[region].cities[city].lowercased().replacingOccurrences(of: " ", with: "")
        return "\(city.prefix(3))-px\(node + 1)"
    }

    private func pexip() -> String {
        var text = "pexip:\n  management_vm: {name: mgr, address: 10.0.0.5}\n  system_locations:\n"
        for (regionIndex, region) in regions.enumerated() {
            for (cityIndex, city) in region.cities.enumerated() {
                // The second city of a region overflows to the first.
                let overflow = cityIndex == 1 ? ", overflow_location1: \(region.cities[0])" : ""
                text += "    - {name: \(city)\(overflow)\(regionIndex == 0 && cityIndex == 0 ? ", local_mssip_domain: \(PlanGenerator.videoDomain)" : "")}\n"
            }
        }
        text += "    - {name: \(PlanGenerator.edgeLocation), transcoding_location: Oslo}\n"
        text += "  worker_vms:\n"
        for (regionIndex, region) in regions.enumerated() {
            for cityIndex in region.cities.indices {
                for node in 0..<3 {
                    text += "    - {name: \(nodeName(regionIndex, cityIndex, node)), address: \(nodeAddress(regionIndex, cityIndex, node)), system_location: \(region.cities[cityIndex])}\n"
                }
            }
        }
        for node in 0..<2 {
            text += "    - {name: osl-edge\(node + 1), address: \(edgeAddress(node)), system_location: \(PlanGenerator.edgeLocation), node_type: proxying}\n"
        }
        text += "  gateway_routing_rules:\n"
        var priority = 10
        for (regionIndex, region) in regions.enumerated() {
            for (cityIndex, city) in region.cities.enumerated() {
                let key = city.lowercased().replacingOccurrences(of: " ", with: "")
                text += "    - {name: PSTN breakout \(city), priority: \(priority), match_source_location: \(city), match_string: '9(\\d{6,15})@vc\\.corp\\.example', replace_string: '+\\1@pstn-\(key).corp.example', outgoing_location: \(city), called_device_type: external, outgoing_protocol: sip}\n"
                priority += 1
                _ = regionIndex
                _ = cityIndex
            }
        }
        text += "    - {name: PSTN breakout home workers, priority: \(priority), match_source_location: \(PlanGenerator.edgeLocation), match_string: '9(\\d{6,15})@vc\\.corp\\.example', replace_string: '+\\1@pstn-oslo.corp.example', called_device_type: external, outgoing_protocol: sip}\n"
        text += "    - {name: Teams interop, priority: \(priority + 1), match_string: 'teams\\.(.+)@vc\\.corp\\.example', replace_string: '\\1@teams.corp.example', called_device_type: external, outgoing_protocol: teams}\n"
        text += "    - {name: Skype federation, priority: \(priority + 2), match_string: '(.+)@lync\\.corp\\.example', replace_string: '\\g<1>@corp.example', called_device_type: mssip_server, outgoing_protocol: mssip}\n"
        if planted(5) {
            text += "    - {name: Legacy PBX, priority: \(priority + 4), match_string: '5\\d{6}@vc\\.corp\\.example', called_device_type: external, outgoing_protocol: sip}\n"
        }
        if planted(3) {
            text += "    - {name: Legacy VMR numbers, priority: \(priority + 3), match_string: '8\\d{6}@vc\\.corp\\.example', called_device_type: external, outgoing_protocol: h323}  # FAULT: overlaps the VMR numbers\n"
        }
        // One legacy CUCM extension range per site, priorities spread over the rest of 1–200.
        for (index, site) in sites.enumerated() {
            guard let code = site.code else { continue }
            let rulePriority = 40 + index % 160
            text += "    - {name: \(site.name) CUCM, priority: \(rulePriority), match_string: '(6\(code)\\d{4})@vc\\.corp\\.example', replace_string: '\\1@cucm-\(regions[site.region].key).corp.example', called_device_type: external, outgoing_protocol: sip}\n"
        }
        return text
    }

    static let firstNames = ["alice", "bob", "chen", "dara", "emil", "fatima", "goran", "hana", "ivan", "jun", "kari", "lena", "mehdi", "nora", "omar", "priya"]
    static let lastNames = ["andersen", "berg", "cohen", "diaz", "eriksen", "fischer", "garcia", "haugen", "ito", "jensen", "kumar", "larsen", "moreau", "nakamura", "olsen", "patel"]

    private func conferences(chunk: Int, of chunks: Int) -> String {
        var text = "pexip:\n  conferences:\n"
        text.reserveCapacity(options.vmrs / chunks * 100)
        var vmr = chunk
        while vmr < options.vmrs {
            let first = PlanGenerator.firstNames[vmr % PlanGenerator.firstNames.count]
            let last = PlanGenerator.lastNames[(vmr / PlanGenerator.firstNames.count) % PlanGenerator.lastNames.count]
            let number = String(8_000_000 + vmr % 1_000_000)
            let kind = vmr % 97 == 0 ? ", service_type: lecture" : ""
            text += "    - {name: \(first.capitalized) \(last.capitalized) \(vmr + 1)\(kind), aliases: [meet.\(first).\(last)\(vmr + 1)@\(PlanGenerator.videoDomain), '\(number)@\(PlanGenerator.videoDomain)']}\n"
            vmr += chunks
        }
        return text
    }

    // MARK: Call control

    private func callControl() -> String {
        var text = "call_control:\n"
        for (regionIndex, region) in regions.enumerated() {
            let mine = sites.filter { $0.region == regionIndex }
            let subzones = Array(Set(mine.map(\.subzone))).sorted { PlanGenerator.naturalOrder($0, $1) }
            text += "  - name: \(region.cluster)\n    addresses: [\(clusterAddresses(regionIndex).joined(separator: ", "))]\n"
            text += "    subzones: [\(subzones.joined(separator: ", "))]\n"
            let wrongDomain = planted(2) && regionIndex == 0
            text += """
                    transforms:
                      - {name: Strip sip scheme, priority: 5, pattern_type: prefix, pattern_string: 'sip:', pattern_behavior: strip}
                      - {name: Legacy video domain, priority: 10, pattern_type: suffix, pattern_string: '@video.corp.example', pattern_behavior: replace, replace_string: '@vc.corp.example'}
                      - {name: Domain for VMR numbers, priority: 20, pattern_type: regex, pattern_string: '([68]\\d{6,7})', pattern_behavior: replace, replace_string: '\\1@\(wrongDomain ? "corp.example" : "vc.corp.example")'}\(wrongDomain ? "  # FAULT: the wrong domain" : "")
                      - {name: International prefix, priority: 30, pattern_type: regex, pattern_string: '00(\\d{7,15})', pattern_behavior: replace, replace_string: '+\\1'}
                    zones:

                """
            for (cityIndex, city) in region.cities.enumerated() {
                var peers = (0..<3).map { nodeAddress(regionIndex, cityIndex, $0) }
                if planted(1) && regionIndex == 1 && cityIndex == 0 { peers.append(nodeAddress(regionIndex, 1, 0)) }
                text += "      - {name: Pexip-\(city.replacingOccurrences(of: " ", with: "")), peers: [\(peers.joined(separator: ", "))]}\(planted(1) && regionIndex == 1 && cityIndex == 0 ? "  # FAULT: a peer in another location" : "")\n"
            }
            if regionIndex == 0 { text += "      - {name: Pexip-Edge, peers: [\(edgeAddress(0)), \(edgeAddress(1))]}\n" }
            for (otherIndex, other) in regions.enumerated() where otherIndex != regionIndex {
                text += "      - {name: To-\(other.name), peers: [\(clusterAddresses(otherIndex).joined(separator: ", "))]}\n"
            }
            text += "      - {name: Internet, type: dns}\n"
            text += "    search_rules:\n"
            text += "      - {name: Registered endpoints, priority: 40, source_mode: localzone, mode: any_alias, target: LocalZone}\n"
            text += "      - {name: E.164 endpoints, priority: 45, pattern_type: regex, pattern_string: '\\+\\d{7,15}', target: LocalZone}\n"
            if planted(4) && regionIndex == 2 {
                text += "      - {name: Fallback to Pexip \(region.cities[0]), priority: 90, source_mode: allzones, pattern_type: regex, pattern_string: '.+@vc\\.corp\\.example', target: Pexip-\(region.cities[0].replacingOccurrences(of: " ", with: ""))}  # FAULT: searched before the site rules\n"
            }
            for (index, site) in sites.enumerated() where site.region == regionIndex && site.city != nil {
                var city = site.city!
                var fault = ""
                if planted(0) && index == sites.firstIndex(where: { $0.region == regionIndex && $0.city != nil }) && regionIndex == 0 {
                    city = (city + 1) % region.cities.count
                    fault = "  # FAULT: another city's location"
                }
                let own = options.distinctSiteRules ? "|s\(index + 1)\\..+" : ""
                text += "      - {name: \(site.name) to Pexip, priority: 100, source_mode: named, source_name: \(site.subzone), pattern_type: regex, pattern_string: '(meet\\..+|teams\\..+|[689]\\d+\(own))@vc\\.corp\\.example', progress: stop, target: Pexip-\(region.cities[city].replacingOccurrences(of: " ", with: ""))}\(fault)\n"
            }
            if regionIndex == 0 && sites.contains(where: { $0.city == nil }) {
                text += "      - {name: Home workers to edge, priority: 100, source_mode: named, source_name: Remote-EMEA, pattern_type: regex, pattern_string: '.+@vc\\.corp\\.example', progress: stop, target: Pexip-Edge}\n"
            }
            for department in 0..<12 {
                let prefix = "7\(10 + department)"
                text += "      - {name: Department \(prefix) dialling, priority: \(110 + department), pattern_type: prefix, pattern_string: '\(prefix)', pattern_behavior: strip, target: LocalZone}\n"
                text += "      - {name: Department \(prefix) extensions, priority: \(110 + department), pattern_type: regex, pattern_string: '\(prefix)\\d{4}@\(region.domain.replacingOccurrences(of: ".", with: "\\."))', target: LocalZone}\n"
            }
            for (otherIndex, other) in regions.enumerated() where otherIndex != regionIndex {
                text += "      - {name: \(other.name) endpoints, priority: 150, pattern_type: suffix, pattern_string: '@\(other.domain)', target: To-\(other.name)}\n"
                text += "      - {name: \(other.name) numbers, priority: 150, pattern_type: regex, pattern_string: '\\+(\(other.countryCodes.joined(separator: "|")))\\d{6,13}', target: To-\(other.name)}\n"
                text += "      - {name: \(other.name) extensions, priority: 150, pattern_type: regex, pattern_string: '7\(otherIndex)\\d{5}@corp\\.example', target: To-\(other.name)}\n"
            }
            if planted(5) && regionIndex < 2 {
                let other = regions[1 - regionIndex]
                text += "      - {name: Legacy range via \(other.name), priority: 160, pattern_type: regex, pattern_string: '5\\d{6}@vc\\.corp\\.example', progress: stop, target: To-\(other.name)}  # FAULT: the other cluster sends it back\n"
            }
            text += "      - {name: Pexip for neighbors, priority: 190, source_mode: allzones, pattern_type: regex, pattern_string: '.+@vc\\.corp\\.example', target: Pexip-\(region.cities[0].replacingOccurrences(of: " ", with: ""))}\n"
            text += "      - {name: Internet, priority: 200, pattern_type: regex, pattern_string: '.+@(?!(.+\\.)?corp\\.example$).+', target: Internet}\n"
        }
        return text
    }

    // MARK: Sites

    /// Probes every site dials besides the service aliases: PSTN numbers and legacy extensions.
    var probes: [String] {
        var probes = regions.map { "9\($0.countryCodes[0])22334455@\(PlanGenerator.videoDomain)" }
        // Bare VMR numbers, as people dial them: the transforms add the domain.
        probes += (0..<min(2, options.vmrs)).map { String(8_000_000 + $0) }
        if let code = sites.first(where: { $0.code != nil })?.code { probes.append("6\(code)1234@\(PlanGenerator.videoDomain)") }
        probes.append("teams.standup@\(PlanGenerator.videoDomain)")
        if planted(5) { probes.append("5000100@\(PlanGenerator.videoDomain)") }
        return probes
    }

    private func sitesSection() -> String {
        var text = "sites:\n"
        for site in sites {
            let local = site.city.map { regions[site.region].cities[$0] }.map { "[\($0)]" } ?? "[\(PlanGenerator.edgeLocation), Oslo]"
            text += "  - {name: \(site.name), registers_to: \(regions[site.region].cluster), subzone: \(site.subzone), local_locations: \(local)}\n"
        }
        text += "probes: [\(probes.map { "'\($0)'" }.joined(separator: ", "))]\n"
        return text
    }

    // MARK: Network

    private func networkSection() -> String {
        var text = "network:\n  segments:\n    - {name: mgmt, ranges: [10.0.0.0/24]}\n    - {name: wan, ranges: [172.16.0.0/12]}\n    - {name: dmz, ranges: [192.0.2.0/24]}\n    - {name: internet, default: true}\n"
        for (regionIndex, region) in regions.enumerated() {
            text += "    - {name: core-\(region.key), ranges: [10.\(regionIndex + 1).0.0/24]}\n"
            for cityIndex in region.cities.indices {
                text += "    - {name: dc-\(region.key)-\(cityIndex + 1), ranges: [10.\(regionIndex + 1).\(cityIndex + 1).0/24]}\n"
            }
        }
        for (index, site) in sites.enumerated() where site.city != nil {
            text += "    - {name: office-\(index + 1), ranges: [10.\(100 + index / 250).\(index % 250).0/24]}\n"
        }
        text += "  endpoints:\n"
        for (index, site) in sites.enumerated() {
            text += "    - {site: \(site.name), subnets: [\(site.city == nil ? "internet" : "office-\(index + 1)")]}\n"
        }
        text += """
              firewalls:
                - name: wan-fw
                  default: deny
                  rules:
                    - {name: Pexip IPsec, preset: ipsec, from: pexip-nodes, to: pexip-nodes}
                    - {name: Offices to Pexip, preset: [sip, h323, media], from: any, to: pexip-nodes}
                    - {name: Call control to Pexip, preset: [sip, h323], from: any, to: pexip-nodes}
                    - {name: Pexip to call control, preset: [sip, vcs-h323], from: pexip-nodes, to: any}
                - name: edge-fw
                  default: deny
                  rules:
                    - {name: Pexip IPsec, preset: ipsec, between: [\(PlanGenerator.edgeLocation), pexip-nodes]}
                    - {name: Home workers, preset: [sip, h323, media], from: internet, to: \(PlanGenerator.edgeLocation)}
              links:
                - {name: mgmt-wan, between: [mgmt, wan], firewall: wan-fw}
                - {name: dmz-wan, between: [dmz, wan], firewall: wan-fw}
                - {name: dmz-internet, between: [dmz, internet], firewall: edge-fw}

            """
        for (regionIndex, region) in regions.enumerated() {
            text += "    - {name: core-\(region.key)-wan, between: [core-\(region.key), wan], firewall: wan-fw}\n"
            for cityIndex in region.cities.indices {
                text += "    - {name: dc-\(region.key)-\(cityIndex + 1)-wan, between: [dc-\(region.key)-\(cityIndex + 1), wan], firewall: wan-fw}\n"
            }
            _ = regionIndex
        }
        for (index, site) in sites.enumerated() where site.city != nil {
            text += "    - {between: [office-\(index + 1), wan]}\n"
        }
        return text
    }

    /// "SZ-2" before "SZ-10".
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}
