using EdgeConductor.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEdgeConductor();

var app = builder.Build();
await app.InitializeEdgeConductorAsync();
app.MapEdgeConductor();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
