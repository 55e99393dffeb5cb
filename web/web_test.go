package web

import (
	"bytes"
	"io/fs"
	"os"
	"testing"
)

// TestAssets checks that Assets serves the build exactly when there is one:
// the embedded index.html is the file on disk, and without a build Assets
// is nil.
func TestAssets(t *testing.T) {
	onDisk, err := os.ReadFile("dist/index.html")
	assets := Assets()
	if err != nil {
		if assets != nil {
			t.Fatalf("Assets() = %v without dist/index.html, want nil", assets)
		}
		t.Skip("dashboard not built (run npm run build in web/): nothing embedded to check")
	}
	if assets == nil {
		t.Fatal("Assets() = nil, but dist/index.html exists")
	}
	embedded, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		t.Fatalf("read embedded index.html: %v", err)
	}
	if !bytes.Equal(embedded, onDisk) {
		t.Error("embedded index.html differs from dist/index.html (rebuild the Go binary after npm run build)")
	}
	if !bytes.Contains(embedded, []byte(`type="module"`)) {
		t.Error("embedded index.html loads no module script: is it Vite's build output?")
	}
}
