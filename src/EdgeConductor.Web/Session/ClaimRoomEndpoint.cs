using EdgeConductor.Sdk;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace EdgeConductor.Web.Session;

/// <summary>
/// The form handler of <c>/claim-room</c> (seed 001 QR claim flow: sign in or register → room assigned).
/// <c>mode=claim</c>: the signed-in tenant claims; <c>mode=signin</c>: e-mail + password, then claim;
/// <c>mode=register</c>: a new tenant account through the link. Success: the session is (re)issued with the tenant's new
/// room and the browser goes to <c>/portal/room</c>. Failure: back to the claim page with the reason.
/// </summary>
public static class ClaimRoomEndpoint
{
    /// <summary>Maps <c>POST /account/claim-room</c> (anonymous; antiforgery-checked).</summary>
    public static void MapConsoleClaimRoom(this IEndpointRouteBuilder app) =>
        app.MapPost("/account/claim-room", HandleAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext ctx, [FromForm] ClaimForm form, ConsoleHttp http, ConsoleSession session)
    {
        var roomId = form.RoomId ?? "";
        var token = form.Token ?? "";
        var ct = ctx.RequestAborted;
        try
        {
            Sdk.Auth.TokenResponse tokens;
            switch (form.Mode)
            {
                case "register":
                    if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password)) return Back(roomId, token, "missing");
                    await http.Anonymous().ClaimLinks.RegisterAsync(roomId, token, form.Email.Trim(), form.Password, ct);
                    tokens = await http.Anonymous().Auth.LoginAsync(form.Email.Trim(), form.Password, ct);
                    break;
                case "signin":
                    if (string.IsNullOrWhiteSpace(form.Email) || string.IsNullOrEmpty(form.Password)) return Back(roomId, token, "missing");
                    var login = await http.Anonymous().Auth.LoginAsync(form.Email.Trim(), form.Password, ct);
                    using (var asUser = http.Create(_ => ValueTask.FromResult<string?>(login.AccessToken)))
                        await asUser.ClaimLinks.ClaimAsync(roomId, token, ct);
                    tokens = await http.Anonymous().Auth.RefreshAsync(login.RefreshToken, ct);
                    break;
                default:
                    var auth = await ctx.AuthenticateAsync(ConsoleAuth.Scheme);
                    var user = auth.Principal is null ? null : ConsoleUser.From(auth.Principal);
                    if (user is null) return Back(roomId, token, "signin");
                    var current = await session.CurrentAsync(user.SessionId, user.Tokens, ct);
                    if (current is null) return Back(roomId, token, "signin");
                    using (var asUser = http.Create(_ => ValueTask.FromResult<string?>(current.AccessToken)))
                        await asUser.ClaimLinks.ClaimAsync(roomId, token, ct);
                    tokens = await session.RefreshNowAsync(user with { Tokens = current }, ct) ?? throw new EdgeConductorApiException(401, "UNAUTHORIZED", null, null);
                    break;
            }
            await ctx.SignInAsync(ConsoleAuth.Scheme, session.CreatePrincipal(tokens), new AuthenticationProperties { IsPersistent = true });
            return Results.Redirect("/portal/room?claimed=1");
        }
        catch (EdgeConductorApiException e)
        {
            var reason = e.Status switch
            {
                409 when e.Detail?.Contains("e-mail", StringComparison.OrdinalIgnoreCase) == true => "exists",
                409 => "used",
                410 => "expired",
                404 => "invalid",
                403 => "forbidden",
                401 => "credentials",
                429 => "throttled",
                400 when e.Errors.ContainsKey("password") => "password",
                400 when e.Errors.ContainsKey("email") => "email",
                _ => "failed",
            };
            return Back(roomId, token, reason);
        }
    }

    private static IResult Back(string roomId, string token, string error) =>
        Results.Redirect(QueryHelpers.AddQueryString("/claim-room", new Dictionary<string, string?> { ["room_id"] = roomId, ["token"] = token, ["error"] = error }));

    /// <summary>The claim form.</summary>
    public sealed class ClaimForm
    {
        /// <summary>claim (signed in), signin or register.</summary>
        public string? Mode { get; set; }

        /// <summary>The room of the link.</summary>
        public string? RoomId { get; set; }

        /// <summary>The link's token.</summary>
        public string? Token { get; set; }

        /// <summary>E-mail (signin, register).</summary>
        public string? Email { get; set; }

        /// <summary>Password (signin, register).</summary>
        public string? Password { get; set; }
    }
}
