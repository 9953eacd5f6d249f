#!/usr/bin/env python3
"""The PyTorch side of bench/peer.ts: times one cell in this (fresh) process, prints one JSON line.

Usage: python bench/peer.py '<cell spec JSON>'   (or the spec on stdin)

The spec is written by bench/peer.ts from the engine's own model config, so both sides run the
same shapes:
  {"cell": name, "kind": "train" | "rollout" | "grpo", "threads": n, "warmup": n, "repeats": n,
   "seed": n, "model": {"family": "gpt" | "llama", "vocabSize", "dModel", "nLayers", "nHeads",
   "nKvHeads", "headDim", "dFF", "contextLength", "tiedEmbeddings", "normEps", "ropeTheta"},
   "optimizer": {"lr", "beta1", "beta2", "eps", "weightDecay", "clipNorm"},
   train: "batch", "seqLen"; rollout: "batch", "promptTokens", "newTokens";
   grpo: "prompts", "groupSize", "promptTokens", "newTokens", "epsLow", "epsHigh"}

What is timed, float32, eager (no torch.compile), transformers' default attention:
  train   one step: forward, loss, backward, global-norm clipping, AdamW, zero_grad.
  rollout one model.generate call: sampling at temperature 1, top_p 1, no top-k, KV cache, no
          stop token (every row generates exactly newTokens).
  grpo    one GRPOTrainer step (TRL): generation, reward, advantages, loss, backward, AdamW;
          timed between consecutive on_step_end callbacks, so everything the step does counts.
Medians over `repeats` after `warmup` untimed runs (the upper middle one for an even count).
"""

import contextlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time

# Nothing here may reach a model hub: the models are random-init and built from configs.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import (  # noqa: E402
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
)


def build_model(m):
    """A random-init transformers model with exactly the engine model's shapes."""
    if m["family"] == "gpt":
        config = GPT2Config(
            vocab_size=m["vocabSize"],
            n_positions=m["contextLength"],
            n_embd=m["dModel"],
            n_layer=m["nLayers"],
            n_head=m["nHeads"],
            n_inner=m["dFF"],
            activation_function="gelu_new",  # the tanh approximation, as the engine's gelu_tanh
            layer_norm_epsilon=m["normEps"],
            resid_pdrop=0.0,
            embd_pdrop=0.0,
            attn_pdrop=0.0,
            tie_word_embeddings=m["tiedEmbeddings"],
            bos_token_id=None,
            eos_token_id=None,
        )
        model = GPT2LMHeadModel(config)
    elif m["family"] == "llama":
        config = LlamaConfig(
            vocab_size=m["vocabSize"],
            hidden_size=m["dModel"],
            intermediate_size=m["dFF"],
            num_hidden_layers=m["nLayers"],
            num_attention_heads=m["nHeads"],
            num_key_value_heads=m["nKvHeads"],
            head_dim=m["headDim"],
            max_position_embeddings=m["contextLength"],
            rms_norm_eps=m["normEps"],
            rope_theta=m["ropeTheta"],
            tie_word_embeddings=m["tiedEmbeddings"],
            attention_bias=False,
            mlp_bias=False,
            bos_token_id=None,
            eos_token_id=None,
            pad_token_id=None,
        )
        model = LlamaForCausalLM(config)
    else:
        raise ValueError(f"model.family must be 'gpt' or 'llama', got {m['family']!r}")
    model.to(torch.float32)
    model.generation_config.eos_token_id = None
    model.generation_config.bos_token_id = None
    model.generation_config.pad_token_id = 0
    return model


def param_count(model):
    # parameters() yields a tied embedding once, as the engine counts it.
    return sum(p.numel() for p in model.parameters())


def median(xs):
    # the upper middle for an even count, as bench/train-bench.ts takes it
    return sorted(xs)[len(xs) // 2]


def timed(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def make_optimizer(model, o):
    return torch.optim.AdamW(
        model.parameters(),
        lr=o["lr"],
        betas=(o["beta1"], o["beta2"]),
        eps=o["eps"],
        weight_decay=o["weightDecay"],
    )


def bench_train(spec, model, gen):
    B, T, V = spec["batch"], spec["seqLen"], spec["model"]["vocabSize"]
    o = spec["optimizer"]
    model.train()
    optimizer = make_optimizer(model, o)
    ids = torch.randint(0, V, (B, T), generator=gen)

    def step():
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        if o["clipNorm"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), o["clipNorm"])
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    return {"ms": timed(step, spec["warmup"], spec["repeats"])}


def bench_rollout(spec, model, gen):
    B, P, N, V = spec["batch"], spec["promptTokens"], spec["newTokens"], spec["model"]["vocabSize"]
    model.eval()
    prompts = torch.randint(0, V, (B, P), generator=gen)
    mask = torch.ones_like(prompts)
    generated = []

    def rollout():
        with torch.inference_mode():
            out = model.generate(
                input_ids=prompts,
                attention_mask=mask,
                do_sample=True,
                temperature=1.0,
                top_p=1.0,
                top_k=0,
                max_new_tokens=N,
                min_new_tokens=N,
                eos_token_id=None,
                pad_token_id=0,
                use_cache=True,
            )
        generated.append(int(out.shape[0] * (out.shape[1] - P)))

    ms = timed(rollout, spec["warmup"], spec["repeats"])
    return {"ms": ms, "generatedPerRun": generated[-1]}


def word_tokenizer(vocab_size):
    """A tokenizer with one word per model token ("t0" … "t{V-1}"), built offline."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {f"t{i}": i for i in range(vocab_size)}
    inner = Tokenizer(models.WordLevel(vocab=vocab, unk_token="t0"))
    inner.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    inner.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with spaces
    tok = PreTrainedTokenizerFast(
        tokenizer_object=inner,
        unk_token="t0",
        pad_token="t0",
        eos_token=f"t{vocab_size - 1}",
    )
    tok.padding_side = "left"
    return tok


def bench_grpo(spec, model, gen):
    """One TRL GRPOTrainer step per timed repeat: the tiny model, a trivial reward."""
    import trl
    from datasets import Dataset
    from transformers import TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    m, o = spec["model"], spec["optimizer"]
    V, P, N = m["vocabSize"], spec["promptTokens"], spec["newTokens"]
    G, prompts_per_step = spec["groupSize"], spec["prompts"]
    steps = spec["warmup"] + spec["repeats"]
    tokenizer = word_tokenizer(V)
    ids = torch.randint(0, V - 1, (prompts_per_step * steps, P), generator=gen)
    dataset = Dataset.from_dict({"prompt": [" ".join(f"t{t}" for t in row) for row in ids.tolist()]})

    def reward_ones(completions, **kwargs):
        # How often token 1 was sampled: varies within a group, so advantages are not all zero.
        return [float(c.split().count("t1")) for c in completions]

    class StepClock(TrainerCallback):
        def __init__(self):
            self.ends = []

        def on_train_begin(self, args, state, control, **kwargs):
            self.ends.append(time.perf_counter())

        def on_step_end(self, args, state, control, **kwargs):
            self.ends.append(time.perf_counter())

    out_dir = tempfile.mkdtemp(prefix="peer-grpo-")
    known = set(GRPOConfig.__dataclass_fields__)
    wanted = dict(
        output_dir=out_dir,
        per_device_train_batch_size=prompts_per_step * G,
        gradient_accumulation_steps=1,
        num_generations=G,
        max_prompt_length=P,
        max_completion_length=N,
        temperature=1.0,
        top_p=1.0,
        top_k=0,
        # no stop token: the end-of-sequence token stays masked until the last position
        generation_kwargs={"min_new_tokens": N, "use_cache": True},
        # TRL turns it on by default; the engine does not recompute activations either
        gradient_checkpointing=False,
        learning_rate=o["lr"],
        adam_beta1=o["beta1"],
        adam_beta2=o["beta2"],
        adam_epsilon=o["eps"],
        weight_decay=o["weightDecay"],
        max_grad_norm=o["clipNorm"],
        lr_scheduler_type="constant",
        warmup_steps=0,
        beta=0.0,
        epsilon=spec["epsLow"],
        epsilon_high=spec["epsHigh"],
        loss_type="dapo",  # token-mean over the batch, as the engine's default aggregation
        num_iterations=1,
        max_steps=steps,
        logging_steps=10**6,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        fp16=False,
        disable_tqdm=True,
        dataloader_num_workers=0,
        seed=spec["seed"],
        log_completions=False,
    )
    config = GRPOConfig(**{k: v for k, v in wanted.items() if k in known})
    clock = StepClock()
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=reward_ones,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[clock],
    )
    # Trainer may reset the thread count through accelerate; keep the one asked for.
    torch.set_num_threads(spec["threads"])
    try:
        trainer.train()
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    step_ms = [(b - a) * 1e3 for a, b in zip(clock.ends, clock.ends[1:])]
    ignored = sorted(set(wanted) - known)
    return {
        "ms": step_ms[spec["warmup"] :],
        "warmupMs": step_ms[: spec["warmup"]],
        "trl": trl.__version__,
        "grpoConfigFieldsNotInThisTrl": ignored,
    }


def main():
    raw = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read()
    spec = json.loads(raw)
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])
    gen = torch.Generator().manual_seed(spec["seed"])
    t0 = time.perf_counter()
    model = build_model(spec["model"])
    build_ms = (time.perf_counter() - t0) * 1e3
    benches = {"train": bench_train, "rollout": bench_rollout, "grpo": bench_grpo}
    if spec["kind"] not in benches:
        raise ValueError(f"kind must be train, rollout or grpo, got {spec['kind']!r}")
    # Whatever the libraries print goes to stderr: stdout carries only the JSON line.
    with contextlib.redirect_stdout(sys.stderr):
        result = benches[spec["kind"]](spec, model, gen)
    ms = result.pop("ms")
    versions = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
    }
    if "trl" in result:
        versions["trl"] = result.pop("trl")
    else:
        try:
            from importlib.metadata import version

            versions["trl"] = version("trl")
        except Exception:  # trl is only needed for the grpo cell
            versions["trl"] = None
    out = {
        "cell": spec["cell"],
        "peerMs": median(ms),
        "allMs": [round(x, 3) for x in ms],
        "params": param_count(model),
        "buildMs": round(build_ms, 1),
        "threads": torch.get_num_threads(),
        "attnImplementation": getattr(model.config, "_attn_implementation", None),
        "versions": versions,
        **result,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
