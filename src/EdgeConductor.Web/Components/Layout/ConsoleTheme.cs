using MudBlazor;

namespace EdgeConductor.Web.Components.Layout;

/// <summary>
/// The console's MudBlazor themes. The default palette meets WCAG AA (4.5:1) for text on its backgrounds: primary
/// #1565C0 with white text is 5.8:1, body text #1F2937 on white is 14.7:1, secondary text #4B5563 on white is 7.6:1.
/// </summary>
public static class ConsoleTheme
{
    /// <summary>The default primary colour.</summary>
    public const string DefaultPrimary = "#1565C0";

    /// <summary>A theme with <paramref name="primary"/> as its primary colour (an org's white-label colour), else the default.</summary>
    public static MudTheme Create(string? primary = null) => new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = primary ?? DefaultPrimary,
            PrimaryContrastText = ContrastText(primary ?? DefaultPrimary),
            AppbarBackground = primary ?? DefaultPrimary,
            AppbarText = ContrastText(primary ?? DefaultPrimary),
            Secondary = "#6A1B9A",
            TextPrimary = "#1F2937",
            TextSecondary = "#4B5563",
            DrawerText = "#1F2937",
            DrawerIcon = "#374151",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px" },
    };

    /// <summary>
    /// Black or white, whichever contrasts more with <paramref name="hex"/> (#RRGGBB), by WCAG 2 relative luminance:
    /// white when the colour's luminance is below 0.179 (where both give the same contrast ratio).
    /// </summary>
    public static string ContrastText(string hex)
    {
        if (hex.Length != 7 || hex[0] != '#') return "#FFFFFF";
        static double Channel(string h)
        {
            var c = Convert.ToInt32(h, 16) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        try
        {
            var l = 0.2126 * Channel(hex[1..3]) + 0.7152 * Channel(hex[3..5]) + 0.0722 * Channel(hex[5..7]);
            return l < 0.179 ? "#FFFFFF" : "#000000";
        }
        catch (FormatException)
        {
            return "#FFFFFF";
        }
    }
}
