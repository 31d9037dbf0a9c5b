import Testing
import FoveaDistributed

@Suite struct AllGatherTests {
    @Test func serialGatherReturnsOwnStringCutToWidth() throws {
        let comm = SerialCommunicator()
        #expect(try comm.allGather("node-01") == ["node-01"])
        #expect(try comm.allGather("abcdef", width: 4) == ["abcd"])
        // "é" is two UTF-8 bytes: cutting at 4 bytes would split it, so it is dropped whole.
        #expect(try comm.allGather("abcé", width: 4) == ["abc"])
        #expect(try comm.allGather("", width: 3) == [""])
    }
}
