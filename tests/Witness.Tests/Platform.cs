// As the witness itself (src/Witness/DurableFile.cs), the tests read owner-only modes: POSIX only.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
