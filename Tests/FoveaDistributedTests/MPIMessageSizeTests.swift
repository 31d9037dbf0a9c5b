import Testing
import FoveaDistributed

/// The chunking rules of `MPICommunicator`, checked without initialising MPI (the collectives
/// themselves run under mpirun in scripts/checks/20-mpi-collectives.sh).
@Suite struct MPIMessageSizeTests {
    @Test func piecesCoverTheBufferAndRespectTheByteLimit() {
        for (count, stride, limit) in [(0, 4, 64), (1, 8, 64), (17, 4, 64), (1001, 8, 64), (100, 8, 7),
                                       (1000, 1, 1000), (1001, 1, 1000), (12345, 4, 1_000_003)] {
            let pieces = MPICommunicator.messageRanges(elementCount: count, elementStride: stride, maxMessageBytes: limit)
            #expect(pieces.first?.lowerBound ?? 0 == 0 && pieces.last?.upperBound ?? 0 == count)
            for (a, b) in zip(pieces, pieces.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            let perMessage = max(1, limit / stride)
            // Every piece but the last is full; a limit below one element still sends one element.
            #expect(pieces.dropLast().allSatisfy { $0.count == perMessage })
            #expect(pieces.allSatisfy { !$0.isEmpty && ($0.count * stride <= limit || $0.count == 1) })
            #expect(pieces.count == (count + perMessage - 1) / perMessage)
        }
    }

    @Test func countsStayBelowMPIsIntLimit() {
        let pieces = MPICommunicator.messageRanges(elementCount: 5_000_000_000, elementStride: 1, maxMessageBytes: Int.max)
        #expect(pieces.count == 3 && pieces.allSatisfy { $0.count <= Int(Int32.max) })
    }

    @Test func byteCountsParseWithBinarySuffixes() {
        #expect(MPICommunicator.parseByteCount("64") == 64)
        #expect(MPICommunicator.parseByteCount(" 256M ") == 256 << 20)
        #expect(MPICommunicator.parseByteCount("4k") == 4096)
        #expect(MPICommunicator.parseByteCount("1G") == 1 << 30)
        for bad in ["", "0", "-5", "12X", "M", "1.5M", "99999999999999999999G"] {
            #expect(MPICommunicator.parseByteCount(bad) == nil, "\(bad)")
        }
        #expect(MPICommunicator.defaultMaxMessageBytes == 268_435_456)
    }

    @Test func errorsNameTheRank() {
        let error = MPIError(rank: 2, operation: "MPI_Bcast", message: "root 5 is not a rank of this job (0..<3)")
        #expect(error.description == "rank 2: MPI_Bcast failed: root 5 is not a rank of this job (0..<3)")
    }
}
