using System.Net;
using System.Text;
using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using QRCoder;

namespace EdgeConductor.Cli.Tests.Cli;

[Collection(ServerCollection.Name)]
public sealed class ManufactureCommandTests(ServerFixture server) : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly CliHarness _ec = new(server);

    public void Dispose() => _ec.Dispose();

    private sealed record Row(string SerialNo, string ProductType, string DeviceSecret, string ClaimUrl, string QrFile);

    private List<Row> ReadCsv(string relativePath, out string header)
    {
        var lines = File.ReadAllLines(Path.Combine(_ec.WorkDir, relativePath));
        header = lines[0];
        return lines.Skip(1).Select(l => l.Split(',')).Select(f => new Row(f[0], f[1], f[2], f[3], f[4])).ToList();
    }

    /// <summary>The PNG QRCoder renders for <paramref name="payload"/>: equal bytes mean the CLI encoded exactly that payload.</summary>
    private static byte[] ExpectedQr(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.Q);
        return new PngByteQRCode(data).GetGraphic(10);
    }

    /// <summary>Decodes a QR PNG with zbarimg (Debian zbar-tools, installed by scripts/test.sh): an independent reader of what we wrote.</summary>
    private static async Task<string> DecodeQrAsync(string pngPath)
    {
        const string zbarimg = "/usr/bin/zbarimg";
        Assert.True(File.Exists(zbarimg), "zbarimg is missing: run scripts/test.sh (it installs zbar-tools) or apt-get install zbar-tools");
        var psi = new System.Diagnostics.ProcessStartInfo(zbarimg, ["--quiet", "--raw", pngPath]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text.TrimEnd('\n');
    }

    [Fact]
    public async Task Batch_WithClaimUrl_WritesCsvAndOneQrPerDevice()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);

        var result = await _ec.RunAsync("manufacture", "3", "--prefix", "EC-CLIM", "--type", "climate", "--claim-url", "https://portal.co/claim", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Json();
        Assert.Equal(3, summary.GetProperty("registered").GetInt32());
        Assert.Equal(0, summary.GetProperty("skipped").GetInt32());
        var csvPath = summary.GetProperty("csv").GetString()!;
        Assert.Matches(@"^manufacture_output/manufacture_EC-CLIM_\d{4}-\d{2}-\d{2}_\d{6}\.csv$", csvPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_ec.WorkDir, csvPath)));

        var rows = ReadCsv(csvPath, out var header);
        Assert.Equal("serial_no,product_type,device_secret,claim_url,qr_file", header);
        Assert.Equal(["EC-CLIM-00001", "EC-CLIM-00002", "EC-CLIM-00003"], rows.Select(r => r.SerialNo));
        var qrDir = Path.Combine(_ec.WorkDir, summary.GetProperty("qr_dir").GetString()!);
        Assert.Equal(3, Directory.GetFiles(qrDir, "*.png").Length);
        foreach (var row in rows)
        {
            Assert.Equal("climate", row.ProductType);
            await server.AssertDeviceSecretWorksAsync(row.SerialNo, row.DeviceSecret);
            Assert.Equal($"https://portal.co/claim?serial={row.SerialNo}", row.ClaimUrl);
            Assert.Equal($"{row.SerialNo}.png", Path.GetFileName(row.QrFile));
            var png = await File.ReadAllBytesAsync(Path.Combine(_ec.WorkDir, row.QrFile));
            Assert.Equal(PngSignature, png[..8]);
            Assert.Equal(ExpectedQr(row.ClaimUrl), png);
            Assert.Equal(row.ClaimUrl, await DecodeQrAsync(Path.Combine(_ec.WorkDir, row.QrFile)));
        }

        // The secret in the CSV is the device's real credential.
        using var http = new HttpClient(server.Handler()) { BaseAddress = ServerFixture.ApiUrl };
        using var push = new HttpRequestMessage(HttpMethod.Post, "devices/EC-CLIM-00002/telemetry")
        {
            Content = new StringContent("""{"temp":21}""", Encoding.UTF8, "application/json"),
        };
        push.Headers.Add("X-Device-Secret", rows[1].DeviceSecret);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(push)).StatusCode);
    }

    [Fact]
    public async Task Batch_WithoutClaimUrl_QrHoldsProvisioningPayload_AndTableOutput()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);

        var result = await _ec.RunAsync("manufacture", "2", "--prefix", "EC-TRACK", "--type", "tracker", "--start", "100");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("✓ EC-TRACK-00100   QR saved", result.Out);
        Assert.Contains("✓ EC-TRACK-00101   QR saved", result.Out);
        Assert.Contains("2 device(s) registered", result.Out);
        Assert.Contains("CSV: manufacture_output/manufacture_EC-TRACK_", result.Out);
        Assert.Contains("(2 files)", result.Out);
        var csv = Directory.GetFiles(Path.Combine(_ec.WorkDir, "manufacture_output"), "*.csv").Single();
        var qrDir = Directory.GetDirectories(Path.Combine(_ec.WorkDir, "manufacture_output"), "qr_EC-TRACK_*").Single();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(qrDir)); // QR codes hold secrets
        Assert.All(Directory.GetFiles(qrDir), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        var rows = ReadCsv(Path.GetRelativePath(_ec.WorkDir, csv), out _);
        Assert.Equal(["EC-TRACK-00100", "EC-TRACK-00101"], rows.Select(r => r.SerialNo));
        foreach (var row in rows)
        {
            Assert.Equal("", row.ClaimUrl);
            var payload = JsonSerializer.Serialize(new { serial_no = row.SerialNo, device_secret = row.DeviceSecret, product_type = "tracker" });
            Assert.Equal(ExpectedQr(payload), await File.ReadAllBytesAsync(Path.Combine(_ec.WorkDir, row.QrFile)));
            Assert.Equal(payload, await DecodeQrAsync(Path.Combine(_ec.WorkDir, row.QrFile)));
        }
    }

    [Fact]
    public async Task Rerun_SkipsSerialsAlreadyRegistered()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);
        var first = await _ec.RunAsync("manufacture", "2", "--prefix", "RERUN", "--type", "tracker", "--json");

        var second = await _ec.RunAsync("manufacture", "4", "--prefix", "RERUN", "--type", "tracker", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var s = second.Json();
        Assert.Equal(2, s.GetProperty("registered").GetInt32());
        Assert.Equal(2, s.GetProperty("skipped").GetInt32());
        Assert.Equal(["RERUN-00001", "RERUN-00002"], s.GetProperty("skipped_devices").EnumerateArray().Select(d => d.GetProperty("serial_no").GetString()));
        var rows = ReadCsv(s.GetProperty("csv").GetString()!, out _);
        Assert.Equal(["RERUN-00003", "RERUN-00004"], rows.Select(r => r.SerialNo));
        Assert.NotEqual(first.Json().GetProperty("csv").GetString(), s.GetProperty("csv").GetString());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_ec.WorkDir, s.GetProperty("qr_dir").GetString()!)).Length);
    }

    [Fact]
    public async Task SerialOwnedByAnotherOrg_IsReportedAndSkipped()
    {
        var other = await server.CreateOrgAsync();
        using (var sdk = server.Client(other.ApiKey)) await sdk.Devices.RegisterAsync("TAKEN-00002", "tracker");
        var org = await server.CreateOrgAsync();

        var result = await _ec.WithKey(org.ApiKey).RunAsync("manufacture", "3", "--prefix", "TAKEN", "--type", "tracker");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("- TAKEN-00002   skipped:", result.Out);
        Assert.Contains("2 device(s) registered, 1 skipped", result.Out);
    }

    [Fact]
    public async Task ServerError_StopsBatch_Exit1()
    {
        var org = await server.CreateOrgAsync();
        using (var admin = server.Client(server.AdminToken)) await admin.ApiKeys.RevokeAsync(org.ApiKeyId);

        var result = await _ec.WithKey(org.ApiKey).RunAsync("manufacture", "3", "--prefix", "REVOKED", "--type", "tracker");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 401", result.Err);
        Assert.Contains("Re-run the same command", result.Err);
        Assert.False(Directory.Exists(Path.Combine(_ec.WorkDir, "manufacture_output")) &&
                     Directory.GetFiles(Path.Combine(_ec.WorkDir, "manufacture_output")).Length > 0);
    }

    [Fact]
    public async Task Interrupted_EveryRegisteredDeviceIsInTheCsv_ThenRerunCompletes()
    {
        var org = await server.CreateOrgAsync();
        _ec.WithKey(org.ApiKey);
        using var sdk = server.Client(org.ApiKey);
        using var cts = new CancellationTokenSource();
        var buffer = new StringWriter();
        var output = TextWriter.Synchronized(buffer);
        string Seen()
        {
            lock (output) return buffer.ToString();
        }

        var run = _ec.RunAsync(["manufacture", "120", "--prefix", "CUT", "--type", "tracker"], ct: cts.Token, outWriter: output);
        while (!Seen().Contains("CUT-00003", StringComparison.Ordinal) && !run.IsCompleted) await Task.Delay(10);
        await cts.CancelAsync(); // Ctrl+C
        var interrupted = await run;

        Assert.Equal(130, interrupted.ExitCode);
        Assert.Contains("Re-run the same command", interrupted.Err);
        var csv = Directory.GetFiles(Path.Combine(_ec.WorkDir, "manufacture_output"), "*.csv").Single();
        var rows = ReadCsv(Path.GetRelativePath(_ec.WorkDir, csv), out _);
        var onServer = await sdk.Devices.ListAsync(new EdgeConductor.Sdk.Devices.DeviceListOptions { Limit = 1000 });
        Assert.InRange(rows.Count, 3, 119);
        Assert.Equal(onServer.Select(d => d.SerialNo).Order(), rows.Select(r => r.SerialNo).Order()); // no secret lost

        var rerun = await _ec.RunAsync("manufacture", "120", "--prefix", "CUT", "--type", "tracker", "--json");

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(rows.Count, rerun.Json().GetProperty("skipped").GetInt32());
        Assert.Equal(120 - rows.Count, rerun.Json().GetProperty("registered").GetInt32());
    }

    [Theory]
    [InlineData("501", "--prefix", "P", "--type", "t")]
    [InlineData("0", "--prefix", "P", "--type", "t")]
    [InlineData("2", "--prefix", "P", "--type", "t", "--start", "99999")]
    [InlineData("2", "--prefix", "P", "--type", "t", "--start", "0")]
    [InlineData("2", "--prefix", "bad prefix", "--type", "t")]
    [InlineData("2", "--prefix", "P", "--type", "t", "--claim-url", "not-a-url")]
    public async Task InvalidBatch_Exit2_RegistersNothing(params string[] args)
    {
        var org = await server.CreateOrgAsync();
        using var sdk = server.Client(org.ApiKey);

        var result = await _ec.WithKey(org.ApiKey).RunAsync(["manufacture", .. args]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(await sdk.Devices.ListAsync());
    }

    [Fact]
    public void ClaimUrl_AppendsSerialToExistingQuery()
    {
        Assert.Equal("https://p.co/claim?serial=A-1", EdgeConductor.Cli.Commands.ManufactureCommand.ClaimUrlFor("https://p.co/claim", "A-1"));
        Assert.Equal("https://p.co/c?x=1&serial=A-1", EdgeConductor.Cli.Commands.ManufactureCommand.ClaimUrlFor("https://p.co/c?x=1", "A-1"));
    }
}
