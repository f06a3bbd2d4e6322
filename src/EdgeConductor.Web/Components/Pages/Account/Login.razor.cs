using Microsoft.AspNetCore.Components;

namespace EdgeConductor.Web.Components.Pages.Account;

/// <summary>The sign-in page: messages for a failed sign-in, a throttled one, an expired session and a sign-out.</summary>
public partial class Login
{
    [Inject] private ConsoleOptions Options { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "ReturnUrl")] private string? ReturnUrl { get; set; }
    [SupplyParameterFromQuery(Name = "error")] private string? Error { get; set; }
    [SupplyParameterFromQuery(Name = "expired")] private string? Expired { get; set; }
    [SupplyParameterFromQuery(Name = "signed_out")] private string? SignedOut { get; set; }
    [SupplyParameterFromQuery(Name = "email")] private string? Email { get; set; }

    private string ProductName => Options.ProductName;

    private string LogoUrl => "_content/EdgeConductor.Web/logo.svg";

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
