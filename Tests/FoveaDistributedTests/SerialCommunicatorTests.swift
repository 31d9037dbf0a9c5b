import Testing
import FoveaDistributed

@Suite struct SerialCommunicatorTests {
    @Test func collectivesLeaveValuesUnchanged() throws {
        let comm = SerialCommunicator()
        var values: [Double] = [1.5, -2, 3]
        try comm.allreduce(&values, .sum)
        #expect(values == [1.5, -2, 3])
        #expect(try comm.allreduce(Int64(7), .max) == 7)
        #expect(comm.size == 1 && comm.rank == 0 && comm.isRoot)
    }
}
