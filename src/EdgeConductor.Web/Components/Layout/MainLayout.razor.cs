using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EdgeConductor.Web.Components.Layout;

/// <summary>The signed-in frame's state: theme (default until the org's branding applies), drawer.</summary>
public partial class MainLayout
{
    [Inject] private ConsoleOptions Options { get; set; } = default!;

    private MudTheme _theme = ConsoleTheme.Create();
    private bool _drawerOpen = true;

    private string ProductName => Options.ProductName;

    private string Logo => "_content/EdgeConductor.Web/logo.svg";

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;
}
