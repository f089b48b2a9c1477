import LibAV

/// FFmpeg's synthetic test pattern through the lavfi input device, decoded like any camera
/// (rawvideo). lavfi produces frames as fast as they are read, so the pipeline paces it.
enum TestPatternSource {
    /// What `media.test_pattern` may name.
    static let filters: Set<String> = ["testsrc2", "testsrc"]
    /// Still pictures for the motion detector's tests and benchmarks (not offered in the config):
    /// testsrc2's first frame repeated, bare or with a few levels of temporal noise, as a camera
    /// looking at a still scene.
    static let stillPatterns: [String: String] = [
        "testsrc2-still": "trim=end_frame=1,loop=loop=-1:size=1",
        "testsrc2-still-noise": "trim=end_frame=1,loop=loop=-1:size=1,noise=alls=4:allf=t",
    ]

    static func open(filter: String, width: Int, height: Int, fps: Int,
                     control: PipelineControl) throws -> VideoSource {
        let graph: String
        if filters.contains(filter) {
            graph = "\(filter)=size=\(width)x\(height):rate=\(fps)"
        } else if let still = stillPatterns[filter] {
            graph = "testsrc2=size=\(width)x\(height):rate=\(fps),\(still)"
        } else {
            throw MediaError.invalidSpec(reason: "the test pattern \"\(filter)\" is not one of \(filters.sorted().joined(separator: ", "))")
        }
        let input = try InputFormatContext(
            url: graph, formatName: "lavfi", options: [],
            shouldInterrupt: control.interruptCheck, source: "the \(filter) test pattern")
        return try VideoSource(input: input, name: filter, needsPacing: true)
    }
}
