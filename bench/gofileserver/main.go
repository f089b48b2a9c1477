// The Go net/http yardstick of bench/serve (MediaMTX serves HLS with net/http): a FileServer on a
// recordings directory, with the content types streamd sends. Usage: gofileserver <addr> <root>.
package main

import (
	"log"
	"mime"
	"net/http"
	"os"
)

func main() {
	mime.AddExtensionType(".m3u8", "application/vnd.apple.mpegurl")
	mime.AddExtensionType(".ts", "video/mp2t")
	log.Fatal(http.ListenAndServe(os.Args[1], http.FileServer(http.Dir(os.Args[2]))))
}
