// The tests check Unix file modes (0600 config and CSV files); they run on Linux and macOS.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
