// The server runs where PostgreSQL and libsodium23 are installed from Debian's packages
// (DESIGN.md 9, 10), and keeps key files with Unix permissions.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
