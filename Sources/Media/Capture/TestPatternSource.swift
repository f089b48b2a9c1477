import LibAV

/// FFmpeg's synthetic test pattern through the lavfi input device, decoded like any camera
/// (rawvideo). lavfi produces frames as fast as they are read, so the pipeline paces it.
enum TestPatternSource {
    static let filters: Set<String> = ["testsrc2", "testsrc"]

    static func open(filter: String, width: Int, height: Int, fps: Int,
                     control: PipelineControl) throws -> VideoSource {
        guard filters.contains(filter) else {
            throw MediaError.invalidSpec(reason: "the test pattern \"\(filter)\" is not one of \(filters.sorted().joined(separator: ", "))")
        }
        let graph = "\(filter)=size=\(width)x\(height):rate=\(fps)"
        let input = try InputFormatContext(
            url: graph, formatName: "lavfi", options: [],
            shouldInterrupt: control.interruptCheck, source: "the \(filter) test pattern")
        return try VideoSource(input: input, name: filter, needsPacing: true)
    }
}
