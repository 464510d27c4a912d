import Foundation

/// Writes a synthetic global enterprise plan: regions with a VCS cluster each, a Pexip location (two transcoding
/// nodes) per region plus edge locations, sites spread over the regions with one subzone and one search rule each,
/// and thousands of VMRs with a URI, a number and a number@domain alias. Every call of the plan is local, so the
/// whole simulation runs to the end of every search the way a healthy plan does.
struct SyntheticPlan {
    var regions: Int
    var sitesPerRegion: Int
    var vmrs: Int
    /// Also write a `network:` section (a data centre, a DMZ and an office subnet per site, WAN firewalls).
    var network = false

    var siteCount: Int { regions * sitesPerRegion }
    var aliasCount: Int { vmrs * 3 }

    func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try pexip().write(to: directory.appendingPathComponent("pexip.yaml"), atomically: true, encoding: .utf8)
        try callControl().write(to: directory.appendingPathComponent("call-control.yaml"), atomically: true, encoding: .utf8)
        try sites().write(to: directory.appendingPathComponent("sites.yaml"), atomically: true, encoding: .utf8)
        if network {
            try networkSection().write(to: directory.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        }
    }

    private func networkSection() -> String {
        var text = "network:\n  segments:\n    - {name: mgmt, ranges: [10.0.0.0/24]}\n"
        for region in 0..<regions {
            text += "    - {name: dc\(region), ranges: [10.\(region / 200 + 1).\(region % 200).0/24]}\n"
            text += "    - {name: dmz\(region), ranges: [10.\(region / 200 + 101).\(region % 200).0/24]}\n"
            for site in 0..<sitesPerRegion {
                text += "    - {name: office\(region)-\(site), ranges: [100.\(region % 250).\(site).0/24]}\n"
            }
        }
        text += "    - {name: wan, ranges: [172.16.0.0/12]}\n  endpoints:\n"
        for region in 0..<regions {
            for site in 0..<sitesPerRegion {
                text += "    - {site: Site \(region)-\(site), subnets: [office\(region)-\(site)]}\n"
            }
        }
        text += """
              firewalls:
                - name: wan-fw
                  default: deny
                  rules:
                    - {name: Pexip IPsec, preset: ipsec, from: pexip-nodes, to: pexip-nodes}
                    - {name: Offices, preset: [sip, h323, media], from: any, to: pexip-nodes}
              links:

            """
        text += "    - {name: mgmt-wan, between: [mgmt, wan], firewall: wan-fw}\n"
        for region in 0..<regions {
            text += "    - {name: wan\(region), between: [dc\(region), wan], firewall: wan-fw}\n"
            text += "    - {name: dmz\(region), between: [dc\(region), dmz\(region)]}\n"
            for site in 0..<sitesPerRegion {
                text += "    - {between: [office\(region)-\(site), dc\(region)]}\n"
            }
        }
        return text
    }

    private func nodeAddress(_ region: Int, _ node: Int) -> String { "10.\(region / 200 + 1).\(region % 200).\(11 + node)" }
    private func edgeAddress(_ region: Int, _ node: Int) -> String { "10.\(region / 200 + 101).\(region % 200).\(21 + node)" }
    private func clusterAddress(_ region: Int) -> String { "10.\(region / 200 + 1).\(region % 200).2" }

    private func pexip() -> String {
        var text = "pexip:\n  management_vm: {name: mgr, address: 10.0.0.5}\n  system_locations:\n"
        for region in 0..<regions {
            text += "    - {name: R\(region)}\n"
            text += "    - {name: R\(region)-Edge, transcoding_location: R\(region)}\n"
        }
        text += "  worker_vms:\n"
        for region in 0..<regions {
            for node in 0..<2 {
                text += "    - {name: r\(region)-px\(node), address: \(nodeAddress(region, node)), system_location: R\(region)}\n"
                text += "    - {name: r\(region)-edge\(node), address: \(edgeAddress(region, node)), system_location: R\(region)-Edge, node_type: proxying}\n"
            }
        }
        text += "  conferences:\n"
        for vmr in 0..<vmrs {
            let number = 100_000 + vmr
            text += "    - {name: VMR \(vmr), aliases: [meet.user\(vmr)@vc.corp.example, \"\(number)\", \(number)@vc.corp.example]}\n"
        }
        text += "  gateway_routing_rules:\n"
        for region in 0..<regions {
            text += "    - {name: PSTN R\(region), priority: \(min(region + 1, 200)), match_source_location: R\(region), match_string: '9(\\d{6,15})@vc\\.corp\\.example', replace_string: '+\\1@pstn.corp.example'}\n"
        }
        return text
    }

    private func callControl() -> String {
        var text = "call_control:\n"
        for region in 0..<regions {
            text += "  - name: vcs-r\(region)\n    addresses: [\(clusterAddress(region))]\n    subzones: ["
            text += (0..<sitesPerRegion).map { "S\(region)-\($0)" }.joined(separator: ", ") + ", Remote\(region)]\n"
            text += """
                    transforms:
                      - {name: Strip sip scheme, priority: 5, pattern_type: prefix, pattern_string: 'sip:', pattern_behavior: strip}
                      - {name: Add video domain, priority: 10, pattern_type: regex, pattern_string: '([^@]+)', pattern_behavior: replace, replace_string: '\\1@vc.corp.example'}
                      - {name: Legacy domain, priority: 20, pattern_type: suffix, pattern_string: '@video.corp.example', pattern_behavior: replace, replace_string: '@vc.corp.example'}
                    zones:

                """
            text += "      - {name: Pexip-Local, peers: [\(nodeAddress(region, 0)), \(nodeAddress(region, 1))]}\n"
            text += "      - {name: Pexip-Edge, peers: [\(edgeAddress(region, 0)), \(edgeAddress(region, 1))]}\n"
            // Neighbors: the next three regions (a ring with chords), as large deployments do.
            let neighbors = Set((1...3).map { (region + $0) % regions }).subtracting([region]).sorted()
            for other in neighbors {
                text += "      - {name: To-R\(other), peers: [\(clusterAddress(other))]}\n"
            }
            text += "    search_rules:\n"
            text += "      - {name: LocalZoneMatch, priority: 50, mode: any_alias, target: LocalZone}\n"
            for site in 0..<sitesPerRegion {
                text += "      - {name: Site \(site) to Pexip, priority: 100, source_mode: named, source_name: S\(region)-\(site), pattern_type: regex, pattern_string: '(meet\\..+|\\d{6}|9\\d+)@vc\\.corp\\.example', progress: stop, target: Pexip-Local}\n"
            }
            text += "      - {name: Remote to edge, priority: 100, source_mode: named, source_name: Remote\(region), pattern_type: regex, pattern_string: '.+@vc\\.corp\\.example', progress: stop, target: Pexip-Edge}\n"
            for other in neighbors {
                text += "      - {name: Endpoints R\(other), priority: 150, pattern_type: suffix, pattern_string: '@r\(other).corp.example', target: To-R\(other)}\n"
            }
            text += "      - {name: Neighbors to Pexip, priority: 180, source_mode: allzones, pattern_type: regex, pattern_string: '.+@vc\\.corp\\.example', target: Pexip-Local}\n"
        }
        return text
    }

    private func sites() -> String {
        var text = "sites:\n"
        for region in 0..<regions {
            for site in 0..<sitesPerRegion {
                text += "  - {name: Site \(region)-\(site), registers_to: vcs-r\(region), subzone: S\(region)-\(site), local_locations: [R\(region)]}\n"
            }
        }
        text += "probes: ['9004722334455@vc.corp.example', '912125550100@vc.corp.example']\n"
        return text
    }
}
