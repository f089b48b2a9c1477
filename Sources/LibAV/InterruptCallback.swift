import CFFmpeg

/// The `AVIOInterruptCB` that blocking libav I/O polls: a Swift closure answering "give up now?".
/// The format context that holds the callback keeps this object alive.
final class InterruptCallback {
    let shouldInterrupt: @Sendable () -> Bool

    init(_ shouldInterrupt: @escaping @Sendable () -> Bool) {
        self.shouldInterrupt = shouldInterrupt
    }

    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<InterruptCallback>.fromOpaque(opaque).takeUnretainedValue().shouldInterrupt() ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
