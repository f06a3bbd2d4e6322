using EdgeConductor.Server.Auth;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Tenancy;

namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>POST /api/v1/mqtt/acl/reload: super admin only; reloads EC_MQTT_ACL_FILE.</summary>
public static class MqttAclApi
{
    public static RouteGroupBuilder MapMqttAclApi(this RouteGroupBuilder api)
    {
        api.MapPost("/mqtt/acl/reload", Reload).WithTags("Mqtt")
            .Produces<MqttAclReloadResult>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>
    /// 200 with what was loaded; 400 naming the bad line (field <c>line N</c>), the rules in force stay; 409 when no ACL
    /// file is configured; 403 for anyone but a super admin.
    /// </summary>
    private static IResult Reload(RequestContext ctx, MqttAclStore store)
    {
        ctx.RequireRole(Roles.SuperAdmin);
        if (store.Path is null) throw new ApiException(409, ErrorCodes.Conflict, "No ACL file is configured (EC_MQTT_ACL_FILE).");
        try
        {
            return TypedResults.Ok(store.Reload());
        }
        catch (MqttAclFormatException ex)
        {
            throw ApiException.Invalid($"line {ex.Line}", ex.Problem + " (the previous rules stay in force)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ApiException.Invalid("file", $"cannot read {store.Path}: {ex.Message} (the previous rules stay in force)");
        }
    }
}
