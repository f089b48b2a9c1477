// Recorder module
