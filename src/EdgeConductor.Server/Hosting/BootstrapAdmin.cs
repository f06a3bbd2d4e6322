using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Common;

namespace EdgeConductor.Server.Hosting;

/// <summary>On a start with no users, creates the super admin from EC_ADMIN_EMAIL / EC_ADMIN_PASSWORD (or a generated password, printed once).</summary>
internal static class BootstrapAdmin
{
    public const string DefaultEmail = "admin@edgeconductor.local";

    public static async Task EnsureAsync(IServiceProvider services, ILogger log)
    {
        var users = services.GetRequiredService<UserStore>();
        if (await users.CountAsync(CancellationToken.None) > 0) return;
        var options = services.GetRequiredService<EcOptions>();
        var email = options.AdminEmail ?? DefaultEmail;
        var password = options.AdminPassword;
        var generated = password is null;
        password ??= Secrets.NewToken(15);
        try
        {
            await users.CreateAsync(email, password, Roles.SuperAdmin, null, null, null, CancellationToken.None);
        }
        catch (Errors.ApiException ex) when (ex.Status == 409)
        {
            return; // another instance bootstrapped first
        }
        if (generated)
        {
            var banner = $"\n==== EdgeConductor super admin created ====\n  email:    {email}\n  password: {password}\n" +
                         "  (shown only this once; set EC_ADMIN_EMAIL and EC_ADMIN_PASSWORD to choose them)\n===========================================\n";
            Console.WriteLine(banner);
        }
        else
        {
            // The password is EC_ADMIN_PASSWORD's; the e-mail is EC_ADMIN_EMAIL's only when that was set too.
            log.LogInformation("Created super admin {Email} (e-mail {EmailSource}, password from EC_ADMIN_PASSWORD)",
                email, options.AdminEmail is null ? "is the default: EC_ADMIN_EMAIL is not set" : "from EC_ADMIN_EMAIL");
        }
    }
}
