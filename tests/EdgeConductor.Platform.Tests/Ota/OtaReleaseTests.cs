using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeConductor.Server.Ota;
using EdgeConductor.Telemetry.Tests.Infrastructure;

namespace EdgeConductor.Platform.Tests.Ota;

/// <summary>Releases: signatures (optional, required, wrong), size limit, download tokens, delete while in use, isolation between orgs.</summary>
public abstract class OtaReleaseTestsBase(OtaServerFixture fixture) : IDisposable
{
    private EcServer Server => fixture.Server;

    public void Dispose() => Assert.True(Server.Errors.Entries.Count == 0, string.Join("\n", Server.Errors.Entries));

    private static string Sign(ECDsa key, byte[] file, DSASignatureFormat format = DSASignatureFormat.Rfc3279DerSequence) =>
        Convert.ToBase64String(key.SignHash(SHA256.HashData(file), format));

    [Fact]
    public async Task Signatures_AreVerifiedAgainstTheOrgsKeys_AndRequiredWhenTheOrgSaysSo()
    {
        var org = await TestOrg.CreateAsync(Server);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = OtaKit.Firmware(20_000, seed: 10);

        // Turning signing on needs a key first.
        await org.Http.PutAsJsonAsync($"orgs/{org.Id}/ota-settings", new { require_signature = true }).ExpectAsync(HttpStatusCode.BadRequest);
        // A key that is not P-256 PEM is refused.
        using (var rsa = RSA.Create(2048))
            await org.Http.PostJsonAsync($"orgs/{org.Id}/firmware-keys", new { name = "rsa", public_key_pem = rsa.ExportSubjectPublicKeyInfoPem() }, HttpStatusCode.BadRequest);
        var added = await org.Http.PostJsonAsync($"orgs/{org.Id}/firmware-keys", new { name = "release", public_key_pem = key.ExportSubjectPublicKeyInfoPem() }, HttpStatusCode.Created);
        var keyId = added["id"]!.GetValue<string>();
        await org.Http.PutAsJsonAsync($"orgs/{org.Id}/ota-settings", new { require_signature = true }).ExpectAsync(HttpStatusCode.OK);

        var unsigned = await OtaKit.UploadRawAsync(org.Http, org.Id, file, "3.0.0").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(unsigned["errors"]!["signature"]);
        var wrong = await OtaKit.UploadRawAsync(org.Http, org.Id, file, "3.0.0", signature: Sign(stranger, file)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("does not verify", wrong["errors"]!["signature"]![0]!.GetValue<string>());
        var otherFile = await OtaKit.UploadRawAsync(org.Http, org.Id, file, "3.0.0", signature: Sign(key, OtaKit.Firmware(20_000, seed: 11))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(otherFile["errors"]!["signature"]);
        await OtaKit.UploadRawAsync(org.Http, org.Id, file, "3.0.0", signature: "not base64!").ExpectAsync(HttpStatusCode.BadRequest);

        var der = await OtaKit.UploadAsync(org, file, "3.0.0", signature: Sign(key, file));
        Assert.Equal(keyId, der["signing_key_id"]!.GetValue<string>());
        var raw = await OtaKit.UploadAsync(org, file, "3.0.1", signature: Sign(key, file, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(keyId, raw["signing_key_id"]!.GetValue<string>());
        // The same version twice is a conflict.
        await OtaKit.UploadRawAsync(org.Http, org.Id, file, "3.0.0", signature: Sign(key, file)).ExpectAsync(HttpStatusCode.Conflict);

        // The signature travels to the device with the update.
        var d = await OtaKit.DeviceAsync(org);
        await using var device = await OtaKit.MqttDeviceAsync(d);
        await OtaKit.PushAsync(d, der["id"]!.GetValue<string>());
        var message = await OtaKit.NextOtaMessageAsync(device, d);
        Assert.True(key.VerifyHash(Convert.FromHexString(message["sha256"]!.GetValue<string>()), Convert.FromBase64String(message["signature"]!.GetValue<string>()),
            DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task Upload_OverTheSizeLimit_Is413_AndLeavesNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        // The fixture sets EC_OTA_MAX_FIRMWARE_BYTES to 4 MB.
        var big = await OtaKit.UploadRawAsync(org.Http, org.Id, OtaKit.Firmware(4 * 1024 * 1024 + 1, seed: 12), "9.9.9").ExpectAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("PAYLOAD_TOO_LARGE", big["code"]!.GetValue<string>());
        Assert.Empty((await org.GetAsync($"orgs/{org.Id}/firmware")).AsArray());
        // Exactly the limit is fine.
        await OtaKit.UploadAsync(org, OtaKit.Firmware(4 * 1024 * 1024, seed: 13), "9.9.9");
        // Missing fields name the field.
        var noVersion = await OtaKit.UploadRawAsync(org.Http, org.Id, OtaKit.Firmware(10), " ").ExpectAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(noVersion["errors"]!["version"]);
        using var notMultipart = await org.Http.PostAsync($"orgs/{org.Id}/firmware", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);
        Assert.Equal("application/problem+json", notMultipart.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Upload_CutEmptyOrWithARepeatedField_Is400NamingTheField_NeverA500_AndLeavesNothing()
    {
        var org = await TestOrg.CreateAsync(Server);
        async Task<System.Text.Json.Nodes.JsonNode> PostRaw(string body)
        {
            var content = new StringContent(body, System.Text.Encoding.UTF8);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=zzz");
            return await org.Http.PostAsync($"orgs/{org.Id}/firmware", content).ExpectAsync(HttpStatusCode.BadRequest);
        }
        const string version = "--zzz\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n1.0.0\r\n";
        const string type = "--zzz\r\nContent-Disposition: form-data; name=\"product_type\"\r\n\r\nEC-CLIMATE-V1\r\n";
        const string file = "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fw.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        // A cut upload: no closing boundary, once after a field and once in the middle of the file part.
        Assert.NotNull((await PostRaw(version))["errors"]!["file"]);
        Assert.NotNull((await PostRaw(version + type + file + "ABCDEF"))["errors"]!["file"]);
        // An empty file, and a field given twice.
        Assert.NotNull((await PostRaw(version + type + file + "\r\n--zzz--\r\n"))["errors"]!["file"]);
        Assert.NotNull((await PostRaw(version + version + type + file + "ABCDEF\r\n--zzz--\r\n"))["errors"]!["version"]);
        Assert.Empty((await org.GetAsync($"orgs/{org.Id}/firmware")).AsArray());
    }

    [Fact]
    public async Task DownloadTokens_ExpiredForeignOrTampered_Are403()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org);
        var other = await OtaKit.DeviceAsync(org);
        var fwA = (await OtaKit.UploadAsync(org, OtaKit.Firmware(2_000, seed: 14), "4.0.0"))["id"]!.GetValue<string>();
        var fwB = (await OtaKit.UploadAsync(org, OtaKit.Firmware(2_000, seed: 15), "4.0.1"))["id"]!.GetValue<string>();
        await OtaKit.PushAsync(d, fwA);
        using var anon = Server.Http();
        using var poll = new HttpRequestMessage(HttpMethod.Get, $"devices/{d.Serial}/commands");
        poll.Headers.Add("X-Device-Secret", d.Secret);
        var url = (await anon.SendAsync(poll).ExpectAsync(HttpStatusCode.OK))["fw_url"]!.GetValue<string>();

        using (var ok = await OtaKit.GetAsync(url)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // control: the URL works
        async Task Forbidden(string u, Action<HttpRequestMessage>? c = null)
        {
            using var r = await OtaKit.GetAsync(u, c);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
        await Forbidden(url.Replace($"serial={d.Serial}", $"serial={other.Serial}"));      // another device
        await Forbidden(url.Replace(fwA, fwB));                                               // another release
        await Forbidden(url[..url.IndexOf('?')]);                                             // no token
        await Forbidden(url[..^3] + (url.EndsWith("AAA") ? "BBB" : "AAA"));                   // tampered
        await Forbidden(url, r => r.Headers.Add("X-Device-Secret", other.Secret));           // the device's secret does not match
        Server.Clock.Advance(TimeSpan.FromMinutes(61));                                       // default lifetime 1 h
        await Forbidden(url);
    }

    [Fact]
    public async Task Delete_IsRefusedWhileAJobUsesTheRelease()
    {
        var org = await TestOrg.CreateAsync(Server);
        var d = await OtaKit.DeviceAsync(org);
        var fwId = (await OtaKit.UploadAsync(org, OtaKit.Firmware(2_000, seed: 16), "5.0.0"))["id"]!.GetValue<string>();
        var jobId = (await OtaKit.PushAsync(d, fwId))["job_id"]!.GetValue<string>();
        using (var refused = await org.Http.DeleteAsync($"firmware/{fwId}")) Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var canceled = await org.Http.PostAsync($"ota-jobs/{jobId}/cancel", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.Equal(1, canceled["counts"]!["canceled"]!.GetValue<long>());
        Assert.Null((await org.GetAsync($"devices/{d.Serial}"))["pending_fw_version"]);
        using (var deleted = await org.Http.DeleteAsync($"firmware/{fwId}")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await org.GetAsync($"firmware/{fwId}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ReleasesAndJobs_AreInvisibleToAnotherOrg()
    {
        var a = await TestOrg.CreateAsync(Server);
        var b = await TestOrg.CreateAsync(Server);
        var da = await OtaKit.DeviceAsync(a);
        var db = await OtaKit.DeviceAsync(b);
        var fwId = (await OtaKit.UploadAsync(a, OtaKit.Firmware(2_000, seed: 17), "6.0.0"))["id"]!.GetValue<string>();
        var job = await OtaKit.PushAsync(da, fwId);
        var jobId = job["job_id"]!.GetValue<string>();

        await b.GetAsync($"firmware/{fwId}", HttpStatusCode.NotFound);
        Assert.DoesNotContain((await b.GetAsync("firmware")).AsArray(), f => f!["id"]!.GetValue<string>() == fwId);
        await b.GetAsync($"orgs/{a.Id}/firmware", HttpStatusCode.NotFound);
        using (var del = await b.Http.DeleteAsync($"firmware/{fwId}")) Assert.Equal(HttpStatusCode.NotFound, del.StatusCode);
        await b.Http.PostJsonAsync($"devices/{db.Serial}/ota", new { firmware_id = fwId }, HttpStatusCode.NotFound);
        await b.GetAsync($"ota-jobs/{jobId}", HttpStatusCode.NotFound);
        await b.GetAsync($"ota-jobs/{job["job_number"]!.GetValue<long>()}?org_id={a.Id}", HttpStatusCode.NotFound);
        await b.Http.PostAsync($"ota-jobs/{jobId}/cancel", null).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain((await b.GetAsync("ota-jobs")).AsArray(), j => j!["id"]!.GetValue<string>() == jobId);
        await b.Http.PostJsonAsync($"orgs/{a.Id}/ota-jobs", new { firmware_id = fwId }, HttpStatusCode.NotFound);
        // Control: org A sees both, by id and by its number.
        await a.GetAsync($"firmware/{fwId}");
        var byNumber = await a.GetAsync($"ota-jobs/{job["job_number"]!.GetValue<long>()}");
        Assert.Equal(jobId, byNumber["id"]!.GetValue<string>());
    }
}

[Collection(OtaCollection.Name)]
public sealed class OtaReleaseTests(OtaServerFixture fixture) : OtaReleaseTestsBase(fixture);

[Collection(PostgresOtaCollection.Name)]
public sealed class PostgresOtaReleaseTests(PostgresOtaServerFixture fixture) : OtaReleaseTestsBase(fixture);

/// <summary>Version order for downgrade refusal (semver precedence; documented fallback for other schemes).</summary>
public sealed class FirmwareVersionTests
{
    [Theory]
    [InlineData("2.1.4", "2.1.10", -1)]
    [InlineData("2.0.0-rc.1", "2.0.0", -1)]
    [InlineData("v2.1", "2.1.0", 0)]
    [InlineData("1.0.0+build.7", "1.0.0", 0)]
    [InlineData("3.0.0", "2.99.99", 1)]
    [InlineData("2024.11.3a", "2024.11.10a", -1)]
    [InlineData("r10", "r9", 1)]
    [InlineData("1.2.3.4", "1.2.3.10", -1)]
    public void Compare_OrdersVersions(string a, string b, int expected) => Assert.Equal(expected, Math.Sign(FirmwareVersion.Compare(a, b)));
}
