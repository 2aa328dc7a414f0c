using Msp.Core.Devices;
using Msp.Core.Layers;
using Msp.Core.Ops;
using Msp.Core.Tensors;

namespace Msp.Core.Models;

/// <summary>Architecture hyper-parameters of the sequence autoencoders (the reference model args).</summary>
public sealed record NetworkConfig(int DimM, int DimA, int ChannelsX = 3, float WidthFactor = 1f, int BlockCount = 3,
    int BottomWidth = 4, int ImageSize = 32)
{
    public int LatentSize => DimM * DimA;
}

/// <summary>
/// What one loss evaluation produced: the objective, the conditioning latents H [n, T_cond, m, a], the transition
/// M [n, a, a] (M* for MSP; null for a model without one), the latents that were decoded (HPred) and the decoded
/// frames (Prediction, [n, frames, c, s, s]).
/// </summary>
public sealed record SeqLoss(Tensor Loss, Tensor H, Tensor? MStar, Tensor HPred, Tensor Prediction);

/// <summary>
/// The sequence autoencoder of MSP and of the paper's variants and baselines (reference SeqAELSTSQ and its
/// subclasses): encode the conditioning frames to H [n, t, dim_m, dim_a], infer the latent dynamics
/// (<see cref="ILatentDynamics"/>: M* by least squares for MSP), roll the latents forward, decode, and score the
/// predicted frames by their squared error.
/// </summary>
public sealed class SeqAe : Module
{
    /// <summary>MSP itself: M* by least squares (SeqAELSTSQ).</summary>
    public SeqAe(IDevice device, Rng rng, NetworkConfig config, bool predictive = true)
        : this(device, rng, config, (_, _) => new LeastSquaresDynamics(), predictive)
    {
    }

    /// <summary>The model with the dynamics <paramref name="dynamics"/> builds (from the same device and random stream,
    /// after the encoder); its parameters, if any, sit beside <c>enc</c> and <c>dec</c>.</summary>
    public SeqAe(IDevice device, Rng rng, NetworkConfig config, Func<IDevice, Rng, ILatentDynamics> dynamics, bool predictive = true)
        : base(device)
    {
        Config = config;
        Predictive = predictive;
        Phi = AddChild("enc", new Encoder(device, rng, config.ChannelsX, config.ImageSize, config.LatentSize, config.WidthFactor, config.BlockCount));
        Dynamics = dynamics(device, rng);
        if (Dynamics is Module parameters)
            AddInline(parameters);
        Psi = AddChild("dec", new Decoder(device, rng, config.LatentSize, config.ChannelsX, config.WidthFactor, config.BlockCount, config.BottomWidth));
    }

    public NetworkConfig Config { get; }

    /// <summary>Predict the future from the last conditioning frame (true, MSP) or re-predict from the first (false).</summary>
    public bool Predictive { get; }

    public Encoder Phi { get; }

    public Decoder Psi { get; }

    public ILatentDynamics Dynamics { get; }

    /// <summary>Φ for every frame: xs [n, t, c, s, s] → H [n, t, dim_m, dim_a].</summary>
    public Tensor Encode(Tensor xs)
    {
        CheckFrames(xs, nameof(Encode));
        int n = xs.Shape[0], t = xs.Shape[1];
        var frames = Shapes.Reshape(xs, n * t, xs.Shape[2], xs.Shape[3], xs.Shape[4]);
        return Shapes.Reshape(Phi.Forward(frames), n, t, Config.DimM, Config.DimA);
    }

    /// <summary>Ψ for every frame: H [n, t, dim_m, dim_a] → xs [n, t, c, s, s].</summary>
    public Tensor Decode(Tensor h)
    {
        int n = h.Shape[0], t = h.Shape[1];
        var images = Psi.Forward(Shapes.Reshape(h, n * t, Config.LatentSize));
        return Shapes.Reshape(images, n, t, images.Shape[1], images.Shape[2], images.Shape[3]);
    }

    /// <summary>
    /// The training objective on sequences xs [n, T, c, s, s]: the mean over sequences and target frames of the per-frame
    /// sum of squared errors (reference SeqAELSTSQ.loss). Predicted frames are T_cond+1..T (or, with
    /// <paramref name="reconstruct"/>, all T frames: the conditioning ones decoded from their own latents).
    /// </summary>
    public SeqLoss Loss(Tensor xs, int conditioningFrames, bool reconstruct = false)
    {
        CheckFrames(xs, nameof(Loss));
        int total = xs.Shape[1];
        if (conditioningFrames < 2 || conditioningFrames > total)
            throw new ArgumentException($"T_cond must be in [2, T = {total}], got {conditioningFrames}.");
        var forecast = Infer(Layout.Slice(xs, 1, 0, conditioningFrames));
        var h = forecast.H;

        int rolls = Predictive ? total - conditioningFrames : total - 1;
        var parts = new List<Tensor>();
        if (reconstruct)
            parts.Add(Predictive ? h : Layout.Slice(h, 1, 0, 1));
        if (rolls > 0)
            parts.Add(Predictive ? forecast.Rollout(rolls) : forecast.RolloutFromFirstFrame(rolls));
        if (parts.Count == 0)
            throw new ArgumentException($"Nothing to predict: T = {total}, T_cond = {conditioningFrames} and no reconstruction.");
        var latents = parts.Count == 1 ? parts[0] : Layout.Concat(parts, axis: 1);
        var prediction = Decode(latents);

        var target = reconstruct ? xs : Layout.Slice(xs, 1, Predictive ? conditioningFrames : 1, rolls);
        int frames = prediction.Shape[0] * prediction.Shape[1];
        var loss = Elementwise.Scale(Losses.SumSquaredError(prediction, target), 1f / frames);
        return new SeqLoss(loss, h, forecast.Transition, latents, prediction);
    }

    /// <summary>The latents of the conditioning frames xsCond [n, T_cond, c, s, s] and the dynamics inferred from them.</summary>
    public LatentForecast Infer(Tensor xsCond) => Dynamics.Infer(xsCond, Encode(xsCond));

    /// <summary>
    /// Predicts <paramref name="rolls"/> frames after the conditioning frames xsCond [n, T_cond, c, s, s]. Returns the
    /// frames [n, rolls, c, s, s] and the forecast they were decoded from (whose transitions the equivariance test swaps).
    /// </summary>
    public (Tensor Frames, LatentForecast Forecast) Predict(Tensor xsCond, int rolls)
    {
        var forecast = Infer(xsCond);
        return (Predict(forecast, rolls), forecast);
    }

    /// <summary>The <paramref name="rolls"/> frames [n, rolls, c, s, s] a forecast decodes to.</summary>
    public Tensor Predict(LatentForecast forecast, int rolls) => Decode(forecast.Rollout(rolls));

    private void CheckFrames(Tensor xs, string op)
    {
        var s = xs.Shape;
        if (s.Rank != 5 || s[2] != Config.ChannelsX || s[3] != Config.ImageSize || s[4] != Config.ImageSize)
            throw new ArgumentException(
                $"{op}: frames must be [batch, time, {Config.ChannelsX}, {Config.ImageSize}, {Config.ImageSize}], got {s}.");
    }
}
