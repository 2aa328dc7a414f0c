using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Msp.Bench;

/// <summary>A summary column with the arithmetic rate of each case: its floating-point operations over its mean time.</summary>
public sealed class GflopsColumn(Func<BenchmarkCase, double> flops) : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Floating-point operations per second (2·m·n·k per product), from the mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        // Mean is in nanoseconds, so flops per nanosecond are GFLOP/s.
        return statistics is null ? "NA" : (flops(benchmarkCase) / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    /// <summary>A short job (a few iterations: the kernels are steady after one warm-up) with this column added.</summary>
    public static ManualConfig Config(Func<BenchmarkCase, double> flops) =>
        ManualConfig.CreateEmpty()
            .AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(6).WithId("short"))
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
            .AddColumn(new GflopsColumn(flops));

    /// <summary>The value of parameter <paramref name="name"/> of a case.</summary>
    public static int Parameter(BenchmarkCase benchmarkCase, string name) => (int)benchmarkCase.Parameters[name];
}
