print("streamd")
