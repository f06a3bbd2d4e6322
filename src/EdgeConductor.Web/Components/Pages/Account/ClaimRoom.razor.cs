using EdgeConductor.Sdk;
using EdgeConductor.Sdk.ClaimLinks;
using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;

namespace EdgeConductor.Web.Components.Pages.Account;

/// <summary>The claim page's state: the link (checked anonymously), the visitor (a signed-in tenant claims with one click).</summary>
public partial class ClaimRoom
{
    [Inject] private ConsoleHttp Http { get; set; } = default!;
    [Inject] private ConsoleBranding Branding { get; set; } = default!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "room_id")] private string? RoomId { get; set; }
    [SupplyParameterFromQuery(Name = "token")] private string? Token { get; set; }
    [SupplyParameterFromQuery(Name = "error")] private string? Error { get; set; }

    private ClaimLinkCheck? _state;
    private bool _signedInTenant;
    private Brand _brand = default!;
    private MudBlazor.MudTheme _theme = default!;

    private string? ErrorText => Error switch
    {
        null => null,
        "credentials" => "Wrong e-mail or password.",
        "forbidden" => "This account cannot claim the room: only tenant accounts of this organization can. Register a new account below.",
        "exists" => "An account with this e-mail exists: use \"I have an account\".",
        "password" => "The password is too weak: use at least 12 characters.",
        "email" => "Enter a valid e-mail address.",
        "missing" => "Enter your e-mail and password.",
        "throttled" => "Too many attempts. Wait a few minutes and try again.",
        "signin" => "Sign in to claim the room.",
        _ => "The room could not be claimed. Try again.",
    };

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _brand = Branding.Default; // the first render happens before the lookup answers
        _theme = Layout.ConsoleTheme.Create();
        _brand = await Branding.ForHostAsync(HttpContext.Request.Host.Host, HttpContext.RequestAborted);
        _theme = Layout.ConsoleTheme.Create(_brand.PrimaryColor);
        if (string.IsNullOrEmpty(RoomId) || string.IsNullOrEmpty(Token)) return;
        try
        {
            _state = await Http.Anonymous().ClaimLinks.CheckAsync(RoomId, Token, HttpContext.RequestAborted);
        }
        catch (EdgeConductorApiException e) when (e.Status is 400 or 404)
        {
            _state = null;
        }
        // The sign-in of a used or expired link is never offered; "used"/"expired" from a submit override the check.
        if (_state is not null && Error is "used" or "expired") _state = _state with { State = Error };
        var auth = await HttpContext.AuthenticateAsync(ConsoleAuth.Scheme);
        _signedInTenant = auth.Principal is { } p && ConsoleRoles.RoleOf(p) == ConsoleRoles.Tenant;
    }
}
