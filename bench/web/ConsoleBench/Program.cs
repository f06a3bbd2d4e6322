namespace EdgeConductor.Bench.Web;

/// <summary>
/// bench/web/run.sh: the console speed bench (issue 15). Prints the figures and writes them to the file given as the first
/// argument (or EC_BENCH_OUT, default bench-web.txt in the current folder). A named class, not top-level statements: the
/// server's own <c>Program</c> (WebApplicationFactory&lt;Program&gt;) must stay the only one.
/// </summary>
internal static class BenchProgram
{
    public static async Task Main(string[] args)
    {
        var file = Path.GetFullPath(args.FirstOrDefault() ?? (Environment.GetEnvironmentVariable("EC_BENCH_OUT") is { Length: > 0 } f ? f : "bench-web.txt"));
        // WebApplicationFactory looks for MvcTestingAppManifest.json (the server's content root) in the current folder,
        // as a test runner has it: the program's own output folder.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        var report = await DeviceConsoleBench.RunAsync();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, report + "\n");
    }
}
