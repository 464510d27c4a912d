/// One step of a simulated call, as data: `trace` prints it as text or JSON, and reports reuse it.
public struct TraceStep: Sendable, Hashable {
    /// What the step is about.
    public enum Kind: String, Sendable, Codable {
        case call, cluster, transform, level, searchRule = "search-rule", zone, dns, hop, loop
        case pexipNode = "pexip-node", serviceAlias = "service-alias", gatewayRule = "gateway-rule"
        case landing, verdict
        case sfbConfiguration = "sfb-configuration", staticRoute = "static-route"
        case callPolicy = "call-policy", interworking
    }

    /// How it went.
    public enum Status: String, Sendable, Codable {
        case info, matched, notMatched = "not-matched", skipped, disabled, found, notFound = "not-found"
        case stopped, limit, loop, rejected, accepted, shadowed
    }

    /// Nesting: 0 for the call, +1 inside each cluster search and zone query.
    public var depth: Int
    public var kind: Kind
    public var status: Status
    /// The rule, zone, node or service the step is about.
    public var name: String?
    public var cluster: String?
    public var priority: Int?
    /// The alias as it arrived at this step.
    public var alias: String?
    /// The alias after this step rewrote it.
    public var rewrittenAlias: String?
    /// A sentence saying what happened and why.
    public var detail: String
    /// Where the rule, zone or service is defined in the plan.
    public var source: SourceLocation?

    public init(
        depth: Int, kind: Kind, status: Status, name: String? = nil, cluster: String? = nil, priority: Int? = nil,
        alias: String? = nil, rewrittenAlias: String? = nil, detail: String, source: SourceLocation? = nil
    ) {
        self.depth = depth
        self.kind = kind
        self.status = status
        self.name = name
        self.cluster = cluster
        self.priority = priority
        self.alias = alias
        self.rewrittenAlias = rewrittenAlias
        self.detail = detail
        self.source = source
    }
}
