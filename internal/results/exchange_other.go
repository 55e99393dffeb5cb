//go:build !linux

package results

// exchange is only available on Linux; elsewhere folders are swapped with
// two renames.
func exchange(a, b string) (bool, error) { return false, nil }
