using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Components;

namespace EdgeConductor.Web.Components.Pages.Account;

/// <summary>The sign-in page: messages for a failed sign-in, a throttled one, an expired session and a sign-out.</summary>
public partial class Login
{
    [Inject] private ConsoleBranding Branding { get; set; } = default!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    private Brand _brand = default!;
    private MudBlazor.MudTheme _theme = default!;

    [SupplyParameterFromQuery(Name = "ReturnUrl")] private string? ReturnUrl { get; set; }
    [SupplyParameterFromQuery(Name = "error")] private string? Error { get; set; }
    [SupplyParameterFromQuery(Name = "expired")] private string? Expired { get; set; }
    [SupplyParameterFromQuery(Name = "signed_out")] private string? SignedOut { get; set; }
    [SupplyParameterFromQuery(Name = "email")] private string? Email { get; set; }

    private string ProductName => _brand.ProductName;

    private string LogoUrl => _brand.LogoUrl;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _brand = Branding.Default; // the first render happens before the lookup answers
        _theme = Layout.ConsoleTheme.Create();
        _brand = await Branding.ForHostAsync(HttpContext.Request.Host.Host, HttpContext.RequestAborted);
        _theme = Layout.ConsoleTheme.Create(_brand.PrimaryColor);
    }

    private bool MessageIsError => Error is not null || Expired is not null;

    private string? Message => Error switch
    {
        "invalid" => "Wrong e-mail or password, or the account is disabled.",
        "throttled" => "Too many sign-in attempts. Wait a few minutes and try again.",
        "missing" => "Enter your e-mail and password.",
        not null => "Sign-in failed.",
        _ when Expired is not null => "Your session has expired. Please sign in again.",
        _ when SignedOut is not null => "You have signed out.",
        _ => null,
    };
}
