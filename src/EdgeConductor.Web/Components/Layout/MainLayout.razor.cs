using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EdgeConductor.Web.Components.Layout;

/// <summary>
/// The signed-in frame's state: the theme and brand of the user's org (white-label), loaded before the first render so
/// the prerendered response already carries the org's colours (no flash), and the drawer.
/// </summary>
public partial class MainLayout
{
    [Inject] private ConsoleApi Api { get; set; } = default!;
    [Inject] private ConsoleBranding Branding { get; set; } = default!;

    private MudTheme _theme = ConsoleTheme.Create();
    private Brand? _brand;
    private bool _drawerOpen = true;

    private string ProductName => (_brand ?? Branding.Default).ProductName;

    private string Logo => (_brand ?? Branding.Default).LogoUrl;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        var user = ConsoleUser.From((await AuthState).User);
        _brand = user?.OrgId is { } orgId ? await Branding.ForOrgAsync(await Api.ClientAsync(), orgId) : Branding.Default;
        _theme = ConsoleTheme.Create(_brand.PrimaryColor);
    }

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> AuthState { get; set; } = default!;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;
}
