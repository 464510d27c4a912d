/// A typed reference to one element of one of the plan's lists: a `NodeID` can only index `plan.nodes`, a
/// `LocationID` only `plan.locations`, so a node index passed where a location is meant does not compile. Absence is
/// `nil`, never `-1`.
public struct PlanID<Element>: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let rawValue: Int32

    /// A literal position (`NodeID` 0): for tests and fixed plans.
    public init(integerLiteral value: Int32) { rawValue = value }

    @inlinable
    public init(_ index: Int) { rawValue = Int32(truncatingIfNeeded: index) }

    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The position in the list.
    @inlinable
    public var index: Int { Int(rawValue) }

    public static func < (lhs: PlanID, rhs: PlanID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "#\(rawValue)" }
}

public typealias LocationID = PlanID<SystemLocation>
public typealias NodeID = PlanID<ConferencingNode>
public typealias ServiceID = PlanID<Service>
public typealias GatewayRuleID = PlanID<GatewayRoutingRule>
public typealias ClusterID = PlanID<CallControlCluster>
/// A subzone of one cluster (index into `CallControlCluster.subzones`).
public typealias SubzoneID = PlanID<Subzone>
/// A zone of one cluster (index into `CallControlCluster.zones`).
public typealias ZoneID = PlanID<Zone>
/// A transform of one cluster (index into `CallControlCluster.transforms`).
public typealias TransformID = PlanID<Transform>
/// A search rule of one cluster (index into `CallControlCluster.searchRules`).
public typealias SearchRuleID = PlanID<SearchRule>
/// A cluster's Call Policy rule, in the order they are tried.
public typealias CallPolicyRuleID = PlanID<CallPolicyRule>
public typealias SiteID = PlanID<Site>
public typealias PoolID = PlanID<SfBPool>
public typealias RoutingConfigurationID = PlanID<StaticRoutingConfiguration>
/// A static route of one routing configuration (index into `StaticRoutingConfiguration.routes`).
public typealias StaticRouteID = PlanID<StaticRoute>
/// An alias a simulation dials (index into `Simulation.aliases`).
public typealias DialledAliasID = PlanID<DialledAlias>

extension Array {
    /// The element `id` refers to.
    @inlinable
    public subscript(id: PlanID<Element>) -> Element {
        get { self[id.index] }
        set { self[id.index] = newValue }
    }

    /// The ids of every element, in order.
    @inlinable
    public var ids: [PlanID<Element>] { indices.map(PlanID.init) }
}

/// A search rule of a cluster.
public struct SearchRuleRef: Sendable, Hashable, Comparable {
    public var cluster: ClusterID
    public var rule: SearchRuleID

    public init(cluster: ClusterID, rule: SearchRuleID) {
        self.cluster = cluster
        self.rule = rule
    }

    public static func < (lhs: SearchRuleRef, rhs: SearchRuleRef) -> Bool { (lhs.cluster, lhs.rule) < (rhs.cluster, rhs.rule) }
}

/// A Call Policy rule of a cluster.
public struct CallPolicyRuleRef: Sendable, Hashable, Comparable {
    public var cluster: ClusterID
    public var rule: CallPolicyRuleID

    public init(cluster: ClusterID, rule: CallPolicyRuleID) {
        self.cluster = cluster
        self.rule = rule
    }

    public static func < (lhs: CallPolicyRuleRef, rhs: CallPolicyRuleRef) -> Bool { (lhs.cluster, lhs.rule) < (rhs.cluster, rhs.rule) }
}

/// A pre-search transform of a cluster.
public struct TransformRef: Sendable, Hashable, Comparable {
    public var cluster: ClusterID
    public var transform: TransformID

    public init(cluster: ClusterID, transform: TransformID) {
        self.cluster = cluster
        self.transform = transform
    }

    public static func < (lhs: TransformRef, rhs: TransformRef) -> Bool { (lhs.cluster, lhs.transform) < (rhs.cluster, rhs.transform) }
}

/// A zone of a cluster.
public struct ZoneRef: Sendable, Hashable, Comparable {
    public var cluster: ClusterID
    public var zone: ZoneID

    public init(cluster: ClusterID, zone: ZoneID) {
        self.cluster = cluster
        self.zone = zone
    }

    public static func < (lhs: ZoneRef, rhs: ZoneRef) -> Bool { (lhs.cluster, lhs.zone) < (rhs.cluster, rhs.zone) }
}

/// A static route of a Skype for Business static routing configuration.
public struct StaticRouteRef: Sendable, Hashable, Comparable {
    public var configuration: RoutingConfigurationID
    public var route: StaticRouteID

    public init(configuration: RoutingConfigurationID, route: StaticRouteID) {
        self.configuration = configuration
        self.route = route
    }

    public static func < (lhs: StaticRouteRef, rhs: StaticRouteRef) -> Bool { (lhs.configuration, lhs.route) < (rhs.configuration, rhs.route) }
}
