# Sourced by the deploy scripts that build hoptac (build, demo, fuzz,
# test, valgrind): what they share. Sets root, the top of the source
# tree, and works from there, so that relative paths mean the same
# whichever folder the script was started from.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

# Prints the build folder $1 as an absolute path; a relative one is taken
# from the top of the source tree.
deploy_dir() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "${root}/$1" ;;
	esac
}
