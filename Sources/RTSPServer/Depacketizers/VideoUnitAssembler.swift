/// Groups NAL units into access units: a unit ends at the RTP marker bit or when the timestamp
/// changes (the marker packet may be lost).
struct VideoUnitAssembler: Sendable {
    private let isKeyframeNAL: @Sendable (UInt8) -> Bool
    private let nalType: @Sendable (UInt8) -> UInt8
    private var timestamp: Int64?
    private var nalUnits: [[UInt8]] = []
    private var keyframe = false
    private var lossy = false
    private var lossCarriesOver = false
    private var arrival: ContinuousClock.Instant = .now

    /// Bounds one access unit in memory whatever a publisher sends (a 4K I-frame is ~1 MB).
    static let maxUnitBytes = 16 * 1024 * 1024
    private var unitBytes = 0

    init(nalType: @escaping @Sendable (UInt8) -> UInt8, isKeyframeNAL: @escaping @Sendable (UInt8) -> Bool) {
        self.nalType = nalType
        self.isKeyframeNAL = isKeyframeNAL
    }

    /// Called before a packet's NAL units: closes the open unit when the timestamp moved on.
    mutating func begin(timestamp: Int64, arrival: ContinuousClock.Instant) -> [AccessUnit] {
        var out: [AccessUnit] = []
        if let current = self.timestamp, current != timestamp {
            out = finish()
        }
        if self.timestamp == nil {
            self.timestamp = timestamp
            if lossCarriesOver { lossy = true }
        }
        lossCarriesOver = false
        self.arrival = arrival
        return out
    }

    mutating func append(_ nal: [UInt8]) {
        guard let header = nal.first else { return }
        guard unitBytes + nal.count <= Self.maxUnitBytes else {
            lossy = true
            return
        }
        unitBytes += nal.count
        if isKeyframeNAL(nalType(header)) { keyframe = true }
        nalUnits.append(nal)
    }

    /// Something was lost. Inside a packet (`acrossPackets` false) only the open unit is damaged;
    /// a sequence gap may also have taken the start of the next unit, whichever it turns out to be.
    mutating func noteLoss(acrossPackets: Bool = false) {
        if timestamp != nil { lossy = true }
        if acrossPackets { lossCarriesOver = true }
    }

    mutating func finish() -> [AccessUnit] {
        defer {
            timestamp = nil
            nalUnits = []
            keyframe = false
            lossy = false
            unitBytes = 0
        }
        guard let timestamp, !nalUnits.isEmpty else { return [] }
        return [AccessUnit(trackIndex: 0, timestamp: timestamp, isKeyframe: keyframe, nalUnits: nalUnits,
                           hasLoss: lossy, arrival: arrival)]
    }
}
