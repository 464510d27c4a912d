/// The sample plan shipped inside the binary (`DialPlans/acme`), so that `dialplan check` works anywhere.
public enum BundledSample {
    /// The name shown in reports.
    public static let name = "DialPlans/acme"

    /// The sample's files, as they are in the repository. A test keeps this list equal to the directory.
    public static let files: [(path: String, text: String)] = [
        ("DialPlans/acme/call-control.yaml", String(decoding: PackageResources.call_control_yaml, as: UTF8.self)),
        ("DialPlans/acme/dns.yaml", String(decoding: PackageResources.dns_yaml, as: UTF8.self)),
        ("DialPlans/acme/network.yaml", String(decoding: PackageResources.network_yaml, as: UTF8.self)),
        ("DialPlans/acme/pexip.yaml", String(decoding: PackageResources.pexip_yaml, as: UTF8.self)),
        ("DialPlans/acme/sites.yaml", String(decoding: PackageResources.sites_yaml, as: UTF8.self)),
        ("DialPlans/acme/skype.yaml", String(decoding: PackageResources.skype_yaml, as: UTF8.self)),
    ]

    /// Loads the bundled sample.
    public static func load() throws(PlanLoadError) -> DialPlan {
        try PlanLoader.load(files: files, name: name)
    }
}
