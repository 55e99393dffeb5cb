package results

import "golang.org/x/sys/unix"

// exchange swaps two local paths in one step (renameat2 RENAME_EXCHANGE),
// so a dataset folder is never missing while a new version replaces it.
// It returns false when the filesystem cannot do it.
func exchange(a, b string) (bool, error) {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch err {
	case nil:
		return true, nil
	case unix.ENOSYS, unix.EINVAL, unix.ENOTSUP:
		return false, nil
	}
	return false, err
}
