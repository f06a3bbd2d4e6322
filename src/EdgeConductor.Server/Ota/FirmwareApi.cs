using System.Text;
using System.Text.RegularExpressions;
using EdgeConductor.Server.Audit;
using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Notifications;
using EdgeConductor.Server.Tenancy;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EdgeConductor.Server.Ota;

/// <summary>
/// Firmware releases (seed 000 <c>ec.firmware</c>, issue 13): upload (multipart, streamed to the content-addressed store,
/// SHA-256 while streaming, optional ECDSA P-256 signature), list, get, delete, the signed download endpoint devices use
/// (HTTP Range / If-Range, ETag = sha256), the org's signing keys and its "signature required" setting.
/// </summary>
public static partial class FirmwareApi
{
    /// <summary>Text fields of the upload form are at most this long (notes, a PEM-sized signature).</summary>
    private const int MaxFieldBytes = 8 * 1024;

    public sealed record AddKeyRequest(string? Name, string? PublicKeyPem);
    public sealed record SettingsRequest(bool? RequireSignature);

    public static RouteGroupBuilder MapFirmwareApi(this RouteGroupBuilder api)
    {
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<OtaOptions>();
        var g = api.MapGroup("").WithTags("Firmware");
        g.MapPost("/orgs/{orgId}/firmware", Upload).WithMetadata(new FirmwareUploadLimit(options.MaxFirmwareBytes)).DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<FirmwareDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);
        g.MapGet("/firmware", List).Produces<IReadOnlyList<FirmwareDto>>().ProducesProblem(400);
        g.MapGet("/orgs/{orgId}/firmware", ListOfOrg).Produces<IReadOnlyList<FirmwareDto>>().ProducesProblem(404);
        g.MapGet("/firmware/{id}", Get).Produces<FirmwareDto>().ProducesProblem(404);
        g.MapDelete("/firmware/{id}", Delete).Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        g.MapGet("/firmware/{id}/download", Download).AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(416);
        g.MapPost("/orgs/{orgId}/firmware-keys", AddKey).Produces<FirmwareKeyDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        g.MapGet("/orgs/{orgId}/firmware-keys", Keys).Produces<IReadOnlyList<FirmwareKeyDto>>().ProducesProblem(404);
        g.MapDelete("/orgs/{orgId}/firmware-keys/{keyId}", DeleteKey).Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404);
        g.MapGet("/orgs/{orgId}/ota-settings", GetSettings).Produces<OtaSettingsDto>().ProducesProblem(404);
        g.MapPut("/orgs/{orgId}/ota-settings", PutSettings).Produces<OtaSettingsDto>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+~-]*$")]
    private static partial Regex VersionRegex();

    private static async Task<IResult> Upload(string orgId, RequestContext ctx, IFirmwareStorage storage, FirmwareStore store, OtaOptions options,
        INotifier notifier, AuditLog audit, TimeProvider clock)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        var request = ctx.Http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            throw ApiException.Invalid("file", "must be sent as multipart/form-data (file, version, product_type, notes?, signature?)");

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        StoredFirmware? stored = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            while (await reader.ReadNextSectionAsync(ctx.Aborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (name == "file")
                {
                    if (stored is not null) throw ApiException.Invalid("file", "only one file may be uploaded");
                    stored = await storage.SaveAsync(section.Body, options.MaxFirmwareBytes, ctx.Aborted);
                    continue;
                }
                var buffer = new byte[MaxFieldBytes + 1];
                var length = 0;
                int read;
                while (length < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(length), ctx.Aborted)) > 0) length += read;
                if (length > MaxFieldBytes) throw ApiException.Invalid(name, $"must be at most {MaxFieldBytes} bytes");
                if (!fields.TryAdd(name, Encoding.UTF8.GetString(buffer, 0, length))) throw ApiException.Invalid(name, "may be given only once");
            }
        }
        catch (FirmwareTooLargeException ex)
        {
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, $"The firmware is larger than the limit of {ex.Limit} bytes (EC_OTA_MAX_FIRMWARE_BYTES).");
        }
        catch (InvalidDataException ex)
        {
            await ForgetUnusedAsync(stored, store, storage);
            throw ApiException.Invalid("file", "the multipart body is malformed: " + ex.Message);
        }
        catch (IOException) when (!ctx.Aborted.IsCancellationRequested)
        {
            // The body ended before the closing boundary (a cut upload): the client's fault, not the server's.
            await ForgetUnusedAsync(stored, store, storage);
            throw ApiException.Invalid("file", "the multipart body ended before its closing boundary (was the upload cut?)");
        }
        catch (ApiException)
        {
            await ForgetUnusedAsync(stored, store, storage);
            throw;
        }
        if (stored is null) throw ApiException.Invalid("file", "is required (a form field named 'file')");
        if (stored.Size == 0)
        {
            await ForgetUnusedAsync(stored, store, storage);
            throw ApiException.Invalid("file", "is empty (0 bytes)");
        }

        try
        {
            var version = Check.Required(fields.GetValueOrDefault("version"), "version", 64);
            if (!VersionRegex().IsMatch(version)) throw ApiException.Invalid("version", "may contain letters, digits and . _ + ~ - (e.g. 2.1.4)");
            var productType = Check.Required(fields.GetValueOrDefault("product_type"), "product_type", 64);
            var notes = Check.Optional(fields.GetValueOrDefault("notes"), "notes", 2000);
            var signature = Check.Optional(fields.GetValueOrDefault("signature"), "signature", 4096);
            var keyId = await VerifySignatureAsync(org.Id, stored.Sha256, signature, store, ctx.Aborted);
            var release = new FirmwareRelease
            {
                Id = Ids.New(), OrgId = org.Id, Version = version, ProductType = productType, Size = stored.Size, Sha256 = stored.Sha256,
                Signature = signature is null ? null : Convert.ToBase64String(FirmwareSignature.Decode(signature)!), SigningKeyId = keyId, Notes = notes,
                CreatedBy = ctx.Caller.Id, CreatedAt = clock.Ms(),
            };
            if (!await store.CreateAsync(release, ctx.Aborted))
                throw ApiException.Conflict($"Version {version} of product type '{productType}' was already uploaded.");
            await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.FirmwareUploaded, "firmware", release.Id,
                new { version, product_type = productType, size = release.Size, sha256 = release.Sha256, signed = keyId is not null }), ctx.Aborted);
            await notifier.NotifyAsync(new NotificationEvent(org.Id, NotificationKinds.FirmwareUploaded, "info",
                $"Firmware {version} for {productType} uploaded", $"{release.Size} bytes, sha256 {release.Sha256[..12]}…", null,
                new Dictionary<string, object?> { ["firmware_id"] = release.Id, ["version"] = version, ["product_type"] = productType }), ctx.Aborted);
            return TypedResults.Created($"/api/v1/firmware/{release.Id}", FirmwareDto.From(release));
        }
        catch (ApiException)
        {
            // Keep the file only if a release refers to it (the same bytes uploaded before).
            if (!await store.AnyWithShaAsync(stored.Sha256, CancellationToken.None)) await storage.DeleteAsync(stored.Sha256, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Deletes an uploaded file that no release refers to (an upload refused after its file part was stored).</summary>
    private static async Task ForgetUnusedAsync(StoredFirmware? stored, FirmwareStore store, IFirmwareStorage storage)
    {
        if (stored is not null && !await store.AnyWithShaAsync(stored.Sha256, CancellationToken.None))
            await storage.DeleteAsync(stored.Sha256, CancellationToken.None);
    }

    /// <summary>The id of the org key that verifies <paramref name="signature"/>; null when unsigned and the org allows that; otherwise 400 naming <c>signature</c>.</summary>
    private static async Task<string?> VerifySignatureAsync(string orgId, string sha256Hex, string? signature, FirmwareStore store, CancellationToken ct)
    {
        if (signature is null)
        {
            if (await store.RequiresSignatureAsync(orgId, ct))
                throw ApiException.Invalid("signature", "is required: this org accepts only firmware signed with one of its firmware keys");
            return null;
        }
        var bytes = FirmwareSignature.Decode(signature) ?? throw ApiException.Invalid("signature", "must be base64 (an ECDSA P-256 signature, DER or r||s)");
        var keys = await store.KeysAsync(orgId, ct);
        if (keys.Count == 0) throw ApiException.Invalid("signature", "cannot be verified: the org has no firmware keys (POST /orgs/:id/firmware-keys)");
        var digest = Convert.FromHexString(sha256Hex);
        foreach (var k in keys)
        {
            using var key = FirmwareSignature.ParsePublicKey(k.PublicKeyPem);
            if (key is not null && FirmwareSignature.Verify(key, digest, bytes)) return k.Id;
        }
        throw ApiException.Invalid("signature", "does not verify against any of the org's firmware keys");
    }

    private static async Task<IResult> List(string? orgId, string? productType, int? limit, int? offset, RequestContext ctx, FirmwareStore store)
    {
        var page = Paging.From(limit, offset);
        var items = await store.ListAsync(await ctx.ScopeAsync(), orgId, productType, page, ctx.Aborted);
        return TypedResults.Ok(items.Select(FirmwareDto.From).ToList());
    }

    private static async Task<IResult> ListOfOrg(string orgId, string? productType, int? limit, int? offset, RequestContext ctx, FirmwareStore store)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        var items = await store.ListAsync(await ctx.ScopeAsync(), org.Id, productType, Paging.From(limit, offset), ctx.Aborted);
        return TypedResults.Ok(items.Select(FirmwareDto.From).ToList());
    }

    internal static async Task<FirmwareRelease> RequireFirmwareAsync(string id, RequestContext ctx, FirmwareStore store) =>
        (id.Length <= 64 ? await store.FindAsync(id, await ctx.ScopeAsync(), ctx.Aborted) : null)
        ?? throw ApiException.NotFound($"Firmware '{id}' not found.");

    private static async Task<IResult> Get(string id, RequestContext ctx, FirmwareStore store) =>
        TypedResults.Ok(FirmwareDto.From(await RequireFirmwareAsync(id, ctx, store)));

    private static async Task<IResult> Delete(string id, RequestContext ctx, FirmwareStore store, OtaJobStore jobs, IFirmwareStorage storage, AuditLog audit)
    {
        var fw = await RequireFirmwareAsync(id, ctx, store);
        ctx.RequireRole(Roles.Managers);
        if (await jobs.FirmwareInUseAsync(fw.Id, ctx.Aborted))
            throw ApiException.Conflict($"Firmware {fw.Version} is used by an OTA job that is not finished; cancel the job first.");
        if (!await store.DeleteAsync(fw, ctx.Aborted)) await storage.DeleteAsync(fw.Sha256, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(fw.OrgId, AuditActions.FirmwareDeleted, "firmware", fw.Id, new { version = fw.Version, product_type = fw.ProductType }), ctx.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The device download (docs/ota.md): anonymous, authorised by the signed query (serial, exp, token) — 403 when
    /// missing, expired, for another release or serial, or when the device no longer belongs to the release's org.
    /// Streamed from disk with Range / If-Range support; ETag is the quoted sha256.
    /// </summary>
    private static async Task<IResult> Download(string id, string? serial, string? exp, string? token, HttpContext http, DownloadToken tokens,
        FirmwareStore store, DeviceStore devices, IFirmwareStorage storage, OtaService ota)
    {
        var why = await tokens.ValidateAsync(id, serial, exp, token, http.RequestAborted);
        if (why is not null) throw ApiException.Forbidden(why);
        var fw = await store.FindUnscopedAsync(id, http.RequestAborted) ?? throw ApiException.NotFound($"Firmware '{id}' not found.");
        var device = await devices.FindForDeviceAuthAsync(serial!, http.RequestAborted);
        if (device is null || device.OrgId != fw.OrgId) throw ApiException.Forbidden("The download token is not valid for this device.");
        if (http.Request.Headers.TryGetValue(DeviceCredential.HeaderName, out var secret)
            && await devices.AuthenticateAsync(serial!, secret.ToString(), http.RequestAborted) is null)
            throw ApiException.Forbidden("The X-Device-Secret does not belong to the token's device.");
        var path = storage.LocalPath(fw.Sha256) ?? throw ApiException.NotFound($"The file of firmware '{id}' is missing.");
        await ota.OnDownloadStartedAsync(fw.Id, device.Id, http.RequestAborted);
        http.Response.Headers.CacheControl = "private, no-transform";
        return TypedResults.PhysicalFile(path, "application/octet-stream", $"{fw.ProductType}-{fw.Version}.bin",
            DateTimeOffset.FromUnixTimeMilliseconds(fw.CreatedAt), new EntityTagHeaderValue("\"" + fw.Sha256 + "\""), enableRangeProcessing: true);
    }

    private static async Task<IResult> AddKey(string orgId, AddKeyRequest? body, RequestContext ctx, FirmwareStore store, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        body = Check.Body(body);
        var name = Check.Required(body.Name, "name", 100);
        var pem = Check.Required(body.PublicKeyPem, "public_key_pem", 4096);
        using (var key = FirmwareSignature.ParsePublicKey(pem))
            if (key is null) throw ApiException.Invalid("public_key_pem", "must be a PEM ECDSA P-256 public key (-----BEGIN PUBLIC KEY-----)");
        var added = await store.AddKeyAsync(org.Id, name, pem, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.FirmwareKeyAdded, "firmware_key", added.Id, new { name }), ctx.Aborted);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}/firmware-keys/{added.Id}", FirmwareKeyDto.From(added));
    }

    private static async Task<IResult> Keys(string orgId, RequestContext ctx, FirmwareStore store)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        return TypedResults.Ok((await store.KeysAsync(org.Id, ctx.Aborted)).Select(FirmwareKeyDto.From).ToList());
    }

    private static async Task<IResult> DeleteKey(string orgId, string keyId, RequestContext ctx, FirmwareStore store, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        if (!await store.DeleteKeyAsync(org.Id, keyId, ctx.Aborted)) throw ApiException.NotFound($"Firmware key '{keyId}' not found.");
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.FirmwareKeyDeleted, "firmware_key", keyId), ctx.Aborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetSettings(string orgId, RequestContext ctx, FirmwareStore store)
    {
        var org = await ctx.RequireOrgAsync(orgId);
        return TypedResults.Ok(new OtaSettingsDto(org.Id, await store.RequiresSignatureAsync(org.Id, ctx.Aborted)));
    }

    private static async Task<IResult> PutSettings(string orgId, SettingsRequest? body, RequestContext ctx, FirmwareStore store, AuditLog audit)
    {
        var org = await ctx.RequireManagedOrgAsync(orgId);
        body = Check.Body(body);
        var required = body.RequireSignature ?? throw ApiException.Invalid("require_signature", "is required (true or false)");
        if (required && (await store.KeysAsync(org.Id, ctx.Aborted)).Count == 0)
            throw ApiException.Invalid("require_signature", "needs at least one firmware key first (POST /orgs/:id/firmware-keys)");
        await store.SetRequiresSignatureAsync(org.Id, required, ctx.Aborted);
        await audit.WriteAsync(ctx.Audit(org.Id, AuditActions.OtaSettingsUpdated, "org", org.Id, new { require_signature = required }), ctx.Aborted);
        return TypedResults.Ok(new OtaSettingsDto(org.Id, required));
    }
}
