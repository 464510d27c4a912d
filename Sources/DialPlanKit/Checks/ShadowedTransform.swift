/// Only the first enabled transform that matches an alias is applied, so a later transform whose every alias an
/// earlier one matches never applies. [VCS "Pre-search transforms": "the alias is compared with each transform in
/// priority order until a match is found; only the first matching transform is applied"]
enum ShadowedTransform: PlanCheck {
    static let id = CheckID.shadowedTransform

    static func run(_ context: CheckContext) -> [Diagnostic] {
        let plan = context.plan
        return plan.clusters.indices.flatMap { clusterIndex -> [Diagnostic] in
            let transforms = plan.clusters[clusterIndex].transforms
            let findings = ShadowAnalysis.run(transforms.map { .pattern($0.matcher) }, membership: context.membership) { earlier, later in
                transforms[earlier].enabled && transforms[later].enabled
            }
            return findings.map { finding in
                let later = TransformRef(cluster: ClusterID(clusterIndex), transform: TransformID(finding.later))
                let earlier = TransformRef(cluster: ClusterID(clusterIndex), transform: TransformID(finding.earlier))
                return Diagnostic(
                    .warning,
                    "\(plan.describe(later)) never applies: the earlier \(plan.describe(earlier)) (\(transforms[finding.earlier].source)) matches every alias it matches, e.g. '\(finding.witness)'\(ShadowAnalysis.proof(finding))",
                    at: transforms[finding.later].source, check: id, witness: finding.witness,
                    notes: ["only the first matching transform is applied: give this one a lower priority number than '\(transforms[finding.earlier].name)', narrow the earlier pattern, or remove this one"])
            }
        }
    }
}
