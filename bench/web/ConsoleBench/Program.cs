// bench/web/run.sh: the console speed bench (issue 15). Prints the figures and writes them to the file given as the first
// argument (or EC_BENCH_OUT, default bench-web.txt in the current folder). Exit code 0 when every figure was measured.
using EdgeConductor.Bench.Web;

var file = args.FirstOrDefault() ?? (Environment.GetEnvironmentVariable("EC_BENCH_OUT") is { Length: > 0 } f ? f : "bench-web.txt");
var report = await DeviceConsoleBench.RunAsync();
Console.WriteLine(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
await File.WriteAllTextAsync(file, report + "\n");
