import Foundation
import Recorder
import Testing

@testable import HTTPAPI

/// The batch decoder reads plain bodies without a dictionary per item; every body, plain or not,
/// valid or not, must decode exactly as the general decoder decodes it (same items, or the same error).
@Suite struct DetectionBodyDecodingTests {
    /// Field fragments: valid values, nulls, wrong types, escapes, repeats and unknown keys.
    static let fragments = [
        #""ts":1764500000000"#, #""ts":"2025-11-30T10:00:00.250Z""#, #""ts":"yesterday""#, #""ts":null"#, #""ts":1.5"#,
        #""offsetSec":12.5"#, #""offset_sec":3"#, #""offsetSec":"3""#,
        #""label":"person""#, #""label":"car\u00e9\"x""#, #""label":7"#, #""label":"""#, #""label":null"#,
        #""confidence":0.75"#, #""confidence":1e-3"#, #""confidence":2"#, #""confidence":"high""#,
        #""id":"a-1""#, #""id":"b\\c""#, #""id":5"#,
        #""bbox":{"x":0.1,"y":0.2,"w":0.3,"h":0.4}"#, #""bbox":{"x":0.9,"y":0,"w":0.5,"h":0.1}"#, #""bbox":{"x":0.1}"#, #""bbox":[1]"#,
        #""attributes":{"b":[1,2,{"c":null}],"a":"x","n":-0.5e2}"#, #""attributes":[]"#, #""attributes":{}"#,
        #""other":{"deep":[[[]]]}"#, #"  "label"  :  "dog"  "#,
    ]

    static func body(_ random: inout some RandomNumberGenerator) -> String {
        let count = Int.random(in: 0...4, using: &random)
        var items: [String] = []
        for _ in 0..<count {
            switch Int.random(in: 0..<12, using: &random) {
            case 0: items.append(["5", "null", "[]", #""x""#].randomElement(using: &random)!)
            default:
                let fields = (0..<Int.random(in: 0...5, using: &random)).map { _ in fragments.randomElement(using: &random)! }
                items.append("{" + fields.joined(separator: ",") + "}")
            }
        }
        var text: String
        switch Int.random(in: 0..<10, using: &random) {
        case 0: text = #"{"detections":["# + items.joined(separator: ",") + #"],"more":1}"#
        case 1: text = #"{"items":["# + items.joined(separator: ",") + "]}"
        case 2: text = " \n{ \"detections\" : [ " + items.joined(separator: " , ") + " ] } \t"
        default: text = #"{"detections":["# + items.joined(separator: ",") + "]}"
        }
        // Now and then a damaged body: a byte cut off or changed.
        if Int.random(in: 0..<6, using: &random) == 0, !text.isEmpty {
            var bytes = Array(text.utf8)
            let at = Int.random(in: 0..<bytes.count, using: &random)
            if Bool.random(using: &random) { bytes.removeSubrange(at...) } else { bytes[at] = [UInt8(ascii: "}"), UInt8(ascii: ","), 0x22, 0xFF].randomElement(using: &random)! }
            text = String(decoding: bytes, as: UTF8.self)
        }
        return text
    }

    static func outcome(_ decode: () throws(APIError) -> [DetectionInput]) -> String {
        do {
            return "ok \(try decode())"
        } catch {
            return "error \(error.status.code) \(error.code) \(error.message)"
        }
    }

    @Test func everyBodyDecodesAsTheGeneralDecoderDecodesIt() {
        var random = SeededRandom(seed: 20261130)
        var plain = 0
        for _ in 0..<3000 {
            let data = Data(Self.body(&random).utf8)
            if DetectionBatchBody.plainItems(Array(data)) != nil { plain += 1 }
            let fast = Self.outcome { () throws(APIError) in try DetectionBatchBody.decode(data) }
            let general = Self.outcome { () throws(APIError) in try DetectionBatchBody.decodeGeneral(data) }
            #expect(fast == general, "\(String(decoding: data, as: UTF8.self))")
        }
        // Most generated bodies take the plain path, so the comparison covers it.
        #expect(plain > 1500)
    }

    @Test func aBatchOfAThousandTakesThePlainPath() throws {
        let item = #"{"id":"x","ts":1764500000000,"label":"person","confidence":0.5,"bbox":{"x":0,"y":0,"w":0.5,"h":0.5},"attributes":{"k":1}}"#
        let body = Data((#"{"detections":["# + Array(repeating: item, count: 1000).joined(separator: ",") + "]}").utf8)
        #expect(DetectionBatchBody.plainItems(Array(body))?.count == 1000)
        #expect(try DetectionBatchBody.decode(body) == DetectionBatchBody.decodeGeneral(body))
    }
}

/// xorshift64*: the same bodies on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2685821657736338717
    }
}
