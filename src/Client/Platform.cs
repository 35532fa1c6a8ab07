// Key files are kept with Unix permissions (owner read and write only).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
