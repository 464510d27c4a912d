@testable import DialPlanKit
import Testing

@Test func minimalPlanLandsLocally() throws {
    let plan = try TestPlans.load(TestPlans.minimal)
    let trace = TestPlans.call(plan, from: "Oslo Office", "meet.alice@vc.example")
    #expect(trace.verdict == .local)
    #expect(Set(TestPlans.nodes(trace, in: plan)) == ["osl1", "osl2"])
}
