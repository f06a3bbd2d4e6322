using EdgeConductor.Server.RoomClaims;

namespace EdgeConductor.Server.Hosting;

/// <summary>DI of the QR room-claim feature (RoomClaims/, docs/web.md "QR room claim").</summary>
public static class RoomClaimsRegistration
{
    public static IServiceCollection AddRoomClaims(this IServiceCollection s)
    {
        s.AddSingleton<ClaimLinkStore>();
        return s;
    }
}
