using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Msp.Core.IO;
using Msp.Core.Training;

namespace Msp.Core.Evaluation;

/// <summary>
/// One self-contained HTML page about a run folder: its config, the training curve, and every evaluation found in it
/// (figures embedded as PNG data, numbers from their JSON), each with a sentence saying what it shows. An evaluation not
/// run yet is named with the command that makes it, so the page never pretends to more than the folder holds.
/// </summary>
public static class RunReport
{
    public const string FileName = "report.html";

    /// <summary>Writes report.html into the run folder and returns its path and the sections it could not fill.</summary>
    public static (string Path, IReadOnlyList<string> Missing) Write(string runDirectory)
    {
        string run = System.IO.Path.GetFullPath(runDirectory);
        string File(params string[] parts) => System.IO.Path.Combine([run, .. parts]);
        if (!System.IO.File.Exists(File(RunDirectory.ConfigFileName)))
            throw new ConfigException($"{run} is not a run folder: it has no {RunDirectory.ConfigFileName}. Give the --out folder of an `msp train` run.");
        var missing = new List<string>();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Msp run report</title><style>")
            .Append("body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}img{max-width:100%;border:1px solid #ddd}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}")
            .Append("pre{background:#f6f6f6;padding:1em;overflow-x:auto}.missing{color:#a00}</style></head><body>");
        html.Append($"<h1>Msp run report</h1><p>Run folder <code>{Encode(run)}</code>, report written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.</p>");

        Section(html, "Training", "The loss of each training batch: the mean over sequences of the per-frame sum of squared errors of the predicted frames.");
        if (System.IO.File.Exists(File("metrics.csv")))
        {
            if (!System.IO.File.Exists(File("loss.png")))
                MetricsLog.PlotLosses(File("metrics.csv"), File("loss.png"));
            var losses = MetricsLog.ReadLosses(File("metrics.csv"));
            if (losses.Count > 0)
                html.Append(Invariant($"<p>{losses.Count} steps; last loss {losses[^1].Loss:F2}, mean of the last 100 {losses.TakeLast(100).Average(l => l.Loss):F2}.</p>"));
            Image(html, File("loss.png"));
        }
        else
            Missing(html, missing, "training curve", "msp train");

        Section(html, "Prediction far into the future", "Error per horizon on held-out sequences from two conditioning frames, next to repeating the last frame and predicting black: the model is useful where its curve lies below both.");
        string predict = System.IO.File.Exists(File("eval", "predict", "eval.json")) ? File("eval", "predict") : run;
        if (System.IO.File.Exists(System.IO.Path.Combine(predict, "eval.json")))
        {
            HorizonTable(html, System.IO.Path.Combine(predict, "eval.json"), ["model", "repeat_last", "black"]);
            Image(html, System.IO.Path.Combine(predict, "eval.png"));
        }
        else
            Missing(html, missing, "prediction error", $"msp eval predict --run {run}");

        Section(html, "Equivariance", "Batches of sequences that share one transition: the error with each sequence's own M* and with M* taken from another sequence. Close curves mean M* captures the transformation itself, not the sequence it was fitted on (the paper's L^p and L^p_equiv).");
        if (System.IO.File.Exists(File("eval", "equivariance", "eval.json")))
        {
            using var json = JsonDocument.Parse(System.IO.File.ReadAllText(File("eval", "equivariance", "eval.json")));
            var root = json.RootElement;
            double own = root.GetProperty("own_m_star").GetProperty("mean")[0].GetDouble();
            double swapped = root.GetProperty("swapped_m_star").GetProperty("mean")[0].GetDouble();
            html.Append(Invariant($"<p>At horizon 1: own M* {own:F1}, swapped M* {swapped:F1} (ratio {swapped / own:F2}).</p>"));
            Image(html, File("eval", "equivariance", "eval.png"));
        }
        else
            Missing(html, missing, "equivariance error", $"msp eval equivariance --run {run}");

        Section(html, "Simultaneous block diagonalisation", "One change of basis U learned for all held-out M* at once; the mean |U⁻¹MU − I| with the blocks found outlined. Each block is a subspace the transformations act on independently.");
        if (System.IO.File.Exists(File("eval", "sbd", "sbd.json")))
        {
            using var json = JsonDocument.Parse(System.IO.File.ReadAllText(File("eval", "sbd", "sbd.json")));
            var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().Select(b => "{" + string.Join(",", b.EnumerateArray().Select(v => v.GetInt32())) + "}");
            html.Append($"<p>Blocks: {Encode(string.Join(" ", blocks))}; final loss {json.RootElement.GetProperty("final_loss").GetDouble().ToString("F3", CultureInfo.InvariantCulture)}.</p>");
            Image(html, File("eval", "sbd", "sbd_heatmap.png"));
            Image(html, File("eval", "sbd", "sbd_loss.png"));
            if (System.IO.File.Exists(File("eval", "sbd", Disentanglement.JsonFileName)))
            {
                Section(html, "Disentanglement", "Sequences in which only one factor changes: the share of that factor's motion in each block. A factor concentrated in one block of its own is disentangled.");
                using var factors = JsonDocument.Parse(System.IO.File.ReadAllText(File("eval", "sbd", Disentanglement.JsonFileName)));
                var names = factors.RootElement.GetProperty("factors").EnumerateArray().Select(f => f.GetString()).ToArray();
                var scores = factors.RootElement.GetProperty("score").EnumerateArray().Select(s => s.GetDouble()).ToArray();
                html.Append("<p>Share in each factor's best block: ")
                    .Append(Encode(string.Join("; ", names.Zip(scores, (n, s) => Invariant($"{n} {100 * s:F0}%")))))
                    .Append(".</p>");
                Image(html, File("eval", "sbd", Disentanglement.FigureFileName));
            }
        }
        else
            Missing(html, missing, "block diagonalisation and disentanglement", $"msp eval sbd --run {run}");

        Section(html, "Generated sequences", "Each grid: the ground truth (two conditioning frames, then the future), the prediction with the sequence's own M*, and with the M* of another sequence that shares its transition.");
        string generated = File("eval", "generate");
        var grids = System.IO.Directory.Exists(generated) ? System.IO.Directory.GetFiles(generated, "*.png").Order().ToArray() : [];
        if (grids.Length > 0)
            foreach (var grid in grids)
                Image(html, grid);
        else
            Missing(html, missing, "generated sequences", $"msp generate --run {run}");

        Section(html, "Config", "The config the run was trained with (config.yml in the run folder).");
        html.Append("<pre>").Append(Encode(System.IO.File.ReadAllText(File(RunDirectory.ConfigFileName)))).Append("</pre></body></html>");
        string path = File(FileName);
        AtomicFile.WriteAllText(path, html.ToString());
        return (path, missing);
    }

    private static void Section(StringBuilder html, string title, string sentence) =>
        html.Append($"<h2>{Encode(title)}</h2><p>{Encode(sentence)}</p>");

    private static void Image(StringBuilder html, string path)
    {
        if (File.Exists(path))
            html.Append($"<p><img alt=\"{Encode(Path.GetFileName(path))}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\"></p>");
    }

    private static void Missing(StringBuilder html, List<string> missing, string what, string command)
    {
        missing.Add(what);
        html.Append($"<p class=\"missing\">Not computed yet: run <code>{Encode(command)}</code> and write the report again.</p>");
    }

    private static void HorizonTable(StringBuilder html, string jsonPath, string[] series)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
        var root = json.RootElement;
        var horizons = root.GetProperty("horizon").EnumerateArray().Select(h => h.GetInt32()).ToArray();
        html.Append("<table><tr><th>horizon</th>").Append(string.Concat(series.Select(s => $"<th>{Encode(s.Replace('_', ' '))}</th>"))).Append("</tr>");
        for (int h = 0; h < horizons.Length; h++)
            html.Append($"<tr><td>{horizons[h]}</td>")
                .Append(string.Concat(series.Select(s => Invariant($"<td>{root.GetProperty(s)[h].GetDouble():F1}</td>")))).Append("</tr>");
        html.Append("</table>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
