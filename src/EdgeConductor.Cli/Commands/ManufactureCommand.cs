using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Devices;
using QRCoder;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec manufacture COUNT --prefix P --type T [--start N] [--claim-url URL]</c>: factory provisioning.</summary>
internal static partial class ManufactureCommand
{
    public const int MaxPerRun = 500;
    public const int MaxNumber = 99_999;
    public const string OutputFolder = "manufacture_output";

    /// <summary>How long an in-flight registration may still take after Ctrl+C (less than the process termination timeout).</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(8);

    public static Command Create(CliCommands cli)
    {
        var count = new Argument<int>("COUNT") { Description = $"How many devices to register (1–{MaxPerRun})" };
        var prefix = new Option<string>("--prefix") { Description = "Serial prefix: devices are PREFIX-00001, PREFIX-00002, …", Required = true };
        var type = new Option<string>("--type") { Description = "Product type of every device", Required = true };
        var start = new Option<int>("--start") { Description = "First number (default 1); use it to continue a batch", DefaultValueFactory = _ => 1 };
        var claimUrl = new Option<string>("--claim-url")
        {
            Description = "Customer claim page; each QR code encodes URL?serial=SERIAL. Without it the QR holds a JSON provisioning payload (serial + secret)",
        };
        var org = new Option<string>("--org") { Description = "Owning org id (default: the org of your API key)" };
        var output = new Option<string>("--output") { Description = $"Folder to write {OutputFolder}/ into (default: the current folder)" };
        var cmd = new Command("manufacture", "Register a batch of devices and write a CSV of secrets and one QR code PNG per device")
        {
            count, prefix, type, start, claimUrl, org, output,
        };
        cli.Handle(cmd, (ctx, parse, ct) => RunAsync(ctx, new Batch(
            parse.GetValue(count), parse.GetValue(prefix)!, parse.GetValue(type)!, parse.GetValue(start), parse.GetValue(claimUrl),
            parse.GetValue(org), parse.GetValue(output)), ct));
        return cmd;
    }

    internal sealed record Batch(int Count, string Prefix, string Type, int Start, string? ClaimUrl, string? OrgId, string? Output);

    private sealed record Registered(string SerialNo, string ClaimUrl, string QrFile);

    private sealed record Skipped(string SerialNo, string Reason);

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex PrefixPattern();

    public static string SerialFor(string prefix, int n) => $"{prefix}-{n.ToString("D5", CultureInfo.InvariantCulture)}";

    /// <summary>The claim URL of one device: <paramref name="claimUrl"/> with <c>serial=SERIAL</c> added to its query.</summary>
    public static string ClaimUrlFor(string claimUrl, string serial)
    {
        var separator = claimUrl.Contains('?', StringComparison.Ordinal) ? (claimUrl.EndsWith('?') || claimUrl.EndsWith('&') ? "" : "&") : "?";
        return claimUrl + separator + "serial=" + Uri.EscapeDataString(serial);
    }

    /// <summary>What the QR code of a device encodes.</summary>
    public static string QrPayload(string? claimUrl, string serial, string secret, string productType) =>
        claimUrl is null
            ? JsonSerializer.Serialize(new { serial_no = serial, device_secret = secret, product_type = productType })
            : ClaimUrlFor(claimUrl, serial);

    public static byte[] QrPng(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.Q);
        return new PngByteQRCode(data).GetGraphic(10);
    }

    private static void Validate(Batch b)
    {
        if (b.Count is < 1 or > MaxPerRun) throw new CliUsageException($"COUNT must be between 1 and {MaxPerRun} per run (got {b.Count}).");
        if (string.IsNullOrEmpty(b.Prefix) || !PrefixPattern().IsMatch(b.Prefix))
            throw new CliUsageException("--prefix may contain only letters, digits, '_', '.' and '-'.");
        if (b.Prefix.Length + 6 > 64) throw new CliUsageException("--prefix is too long: serial numbers are at most 64 characters.");
        if (string.IsNullOrWhiteSpace(b.Type)) throw new CliUsageException("--type must not be empty.");
        if (b.Start < 1) throw new CliUsageException("--start must be 1 or more.");
        if ((long)b.Start + b.Count - 1 > MaxNumber)
            throw new CliUsageException($"Serial numbers have 5 digits: --start {b.Start} with COUNT {b.Count} would go past {MaxNumber}.");
        if (b.ClaimUrl is not null && (!Uri.TryCreate(b.ClaimUrl, UriKind.Absolute, out var u) || (u.Scheme != "https" && u.Scheme != "http")))
            throw new CliUsageException("--claim-url must be an absolute http(s) URL, e.g. https://portal.example.com/claim.");
    }

    private static async Task<int> RunAsync(CliContext ctx, Batch b, CancellationToken ct)
    {
        Validate(b);
        using var client = ctx.CreateClient();
        var stamp = ctx.Env.Time.GetUtcNow().ToString("yyyy-MM-dd_HHmmss", CultureInfo.InvariantCulture);
        var baseDir = b.Output is null ? ctx.Env.WorkingDirectory : Path.GetFullPath(b.Output, ctx.Env.WorkingDirectory);
        var outDir = Path.Combine(baseDir, OutputFolder);
        // Two runs in the same second must not overwrite each other's secrets: add _2, _3, … when the name is taken.
        var suffix = "";
        for (var i = 2; File.Exists(Path.Combine(outDir, $"manufacture_{b.Prefix}_{stamp}{suffix}.csv"))
                        || Directory.Exists(Path.Combine(outDir, $"qr_{b.Prefix}_{stamp}{suffix}")); i++)
            suffix = "_" + i.ToString(CultureInfo.InvariantCulture);
        var csvPath = Path.Combine(outDir, $"manufacture_{b.Prefix}_{stamp}{suffix}.csv");
        var qrDirName = $"qr_{b.Prefix}_{stamp}{suffix}";
        var qrDir = Path.Combine(outDir, qrDirName);

        var registered = new List<Registered>();
        var skipped = new List<Skipped>();
        EdgeConductorApiException? failure = null;
        HttpRequestException? networkFailure = null;
        var cancelled = false;
        StreamWriter? csv = null;

        // Ctrl+C stops between devices: a device whose registration is in flight is finished and written to the CSV,
        // or its secret (returned only once) would be lost. A stuck request still gives up after a grace period.
        using var grace = new CancellationTokenSource();
        using var onCancel = ct.Register(() => grace.CancelAfter(InFlightGrace));

        async Task OneAsync(string serial)
        {
            Device device;
            try
            {
                device = await client.Devices.RegisterAsync(new RegisterDeviceRequest(serial, b.Type, null, b.OrgId), grace.Token);
            }
            catch (EdgeConductorApiException ex) when (ex.Status == 409)
            {
                skipped.Add(new Skipped(serial, ex.Detail ?? "already registered"));
                Line($"[yellow]-[/] {Markup.Escape(serial)}   skipped: {Markup.Escape(ex.Detail ?? "already registered")}");
                return;
            }
            if (!device.Created || device.DeviceSecret is null)
            {
                skipped.Add(new Skipped(serial, "already registered"));
                Line($"[yellow]-[/] {Markup.Escape(serial)}   skipped: already registered");
                return;
            }
            if (csv is null)
            {
                // Without a claim URL every QR code holds a device secret: keep the folder and files owner-only.
                if (b.ClaimUrl is null && !OperatingSystem.IsWindows())
                    Directory.CreateDirectory(qrDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                else
                    Directory.CreateDirectory(qrDir);
                csv = new StreamWriter(SecureFile.Create(csvPath), new UTF8Encoding(false));
                await csv.WriteLineAsync("serial_no,product_type,device_secret,claim_url,qr_file");
            }
            var claim = b.ClaimUrl is null ? "" : ClaimUrlFor(b.ClaimUrl, serial);
            var qrRelative = Path.Combine(OutputFolder, qrDirName, serial + ".png");
            var png = QrPng(QrPayload(b.ClaimUrl, serial, device.DeviceSecret, b.Type));
            var pngPath = Path.Combine(qrDir, serial + ".png");
            if (b.ClaimUrl is null) SecureFile.WriteAllBytes(pngPath, png);
            else await File.WriteAllBytesAsync(pngPath, png, CancellationToken.None);
            // One flushed row per device, so an interrupted batch keeps every secret it was given.
            await csv.WriteLineAsync(string.Join(',', new[] { serial, b.Type, device.DeviceSecret, claim, qrRelative }.Select(Csv)));
            await csv.FlushAsync(CancellationToken.None);
            registered.Add(new Registered(serial, claim, qrRelative));
            Line($"[green]✓[/] {Markup.Escape(serial)}   QR saved");
        }

        void Line(string markup)
        {
            if (!ctx.Json) ctx.Console.MarkupLine("  " + markup);
        }

        async Task LoopAsync(Action? step)
        {
            for (var n = b.Start; n < b.Start + b.Count; n++)
            {
                if (ct.IsCancellationRequested)
                {
                    cancelled = true;
                    return;
                }
                try
                {
                    await OneAsync(SerialFor(b.Prefix, n));
                }
                catch (EdgeConductorApiException ex)
                {
                    failure = ex;
                    return;
                }
                catch (HttpRequestException ex)
                {
                    networkFailure = ex;
                    return;
                }
                catch (OperationCanceledException) when (grace.IsCancellationRequested)
                {
                    cancelled = true;
                    return;
                }
                step?.Invoke();
            }
        }

        try
        {
            if (ctx.Env.Interactive && !ctx.Json)
            {
                await ctx.Console.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async p =>
                    {
                        var task = p.AddTask($"Registering {b.Count} {Markup.Escape(b.Prefix)} device(s)", maxValue: b.Count);
                        await LoopAsync(() => task.Increment(1));
                    });
            }
            else
            {
                await LoopAsync(null);
            }
        }
        finally
        {
            if (csv is not null) await csv.DisposeAsync();
        }

        var csvRel = registered.Count > 0 ? Path.GetRelativePath(ctx.Env.WorkingDirectory, csvPath) : null;
        var qrRel = registered.Count > 0 ? Path.GetRelativePath(ctx.Env.WorkingDirectory, qrDir) : null;
        if (ctx.Json)
        {
            ctx.WriteJson(new
            {
                registered = registered.Count,
                skipped = skipped.Count,
                complete = failure is null && networkFailure is null && !cancelled,
                csv = csvRel,
                qr_dir = qrRel,
                devices = registered.Select(r => new { serial_no = r.SerialNo, claim_url = r.ClaimUrl.Length == 0 ? null : r.ClaimUrl, qr_file = r.QrFile }),
                skipped_devices = skipped.Select(s => new { serial_no = s.SerialNo, reason = s.Reason }),
            });
        }
        else
        {
            ctx.Console.MarkupLine($"  {registered.Count} device(s) registered" + (skipped.Count > 0 ? $", {skipped.Count} skipped (already registered)" : ""));
            if (csvRel is not null)
            {
                ctx.Console.MarkupLine($"  CSV: {Markup.Escape(csvRel)}");
                ctx.Console.MarkupLine($"  QR:  {Markup.Escape(qrRel!)}/ ({registered.Count} files)");
                ctx.Console.MarkupLine("  [grey]The CSV holds device secrets (mode 0600): keep it safe.[/]");
            }
        }
        if (failure is not null)
        {
            EcCli.PrintApiError(ctx, failure);
            ctx.Hint($"Stopped after {registered.Count + skipped.Count} of {b.Count}. Re-run the same command to continue: registered serials are skipped.");
            return ExitCodes.ApiError;
        }
        if (networkFailure is not null)
        {
            ctx.Hint($"Stopped after {registered.Count + skipped.Count} of {b.Count}. Re-run the same command to continue: registered serials are skipped.");
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(networkFailure);
        }
        if (cancelled)
        {
            ctx.Hint("Interrupted. Re-run the same command to continue: registered serials are skipped.");
            return 130;
        }
        return ExitCodes.Ok;
    }

    private static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
