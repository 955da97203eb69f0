/* Benchmark kernels for the sandbox: the same source is built natively
 * (clang -O2) and for wasm32-wasi, and the ratio of their times is
 * reported. Each kernel prints a checksum so both builds can be compared.
 * Usage: kernels matmul|stencil|floyd|mandel|hash */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t lcg_state = 88172645463325252ULL;
static uint32_t next_u32(void) {
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(lcg_state >> 33);
}

/* Sizes make each kernel run 1.5-2.5 s natively here, so the sandbox's
 * fixed start (~18 ms of CPU, measured on its own as the cached start)
 * stays out of the ratio. */
#define MM_N 1280
#define MM_ROUNDS 4
static double ma[MM_N][MM_N], mb[MM_N][MM_N], mc[MM_N][MM_N];

static void matmul(void) {
	for (int i = 0; i < MM_N; i++)
		for (int j = 0; j < MM_N; j++) {
			ma[i][j] = (double)(next_u32() % 1000) / 1000.0;
			mb[i][j] = (double)(next_u32() % 1000) / 1000.0;
			mc[i][j] = 0;
		}
	for (int r = 0; r < MM_ROUNDS; r++)
	for (int i = 0; i < MM_N; i++)
		for (int k = 0; k < MM_N; k++) {
			double a = ma[i][k];
			for (int j = 0; j < MM_N; j++)
				mc[i][j] += a * mb[k][j];
		}
	double sum = 0;
	for (int i = 0; i < MM_N; i++)
		for (int j = 0; j < MM_N; j++)
			sum += mc[i][j] * (double)((i + j) % 7);
	printf("matmul %.6f\n", sum);
}

#define ST_N 1024
#define ST_STEPS 1200
static double sa[ST_N][ST_N], sb[ST_N][ST_N];

static void stencil(void) {
	for (int i = 0; i < ST_N; i++)
		for (int j = 0; j < ST_N; j++)
			sa[i][j] = sb[i][j] = (double)(next_u32() % 100);
	for (int t = 0; t < ST_STEPS; t++) {
		for (int i = 1; i < ST_N - 1; i++)
			for (int j = 1; j < ST_N - 1; j++)
				sb[i][j] = 0.2 * (sa[i][j] + sa[i - 1][j] + sa[i + 1][j] + sa[i][j - 1] + sa[i][j + 1]);
		for (int i = 1; i < ST_N - 1; i++)
			for (int j = 1; j < ST_N - 1; j++)
				sa[i][j] = 0.2 * (sb[i][j] + sb[i - 1][j] + sb[i + 1][j] + sb[i][j - 1] + sb[i][j + 1]);
	}
	double sum = 0;
	for (int i = 0; i < ST_N; i++)
		for (int j = 0; j < ST_N; j++)
			sum += sa[i][j];
	printf("stencil %.6f\n", sum);
}

#define FW_N 1600
static int32_t fw[FW_N][FW_N];

static void floyd(void) {
	for (int i = 0; i < FW_N; i++)
		for (int j = 0; j < FW_N; j++)
			fw[i][j] = (i == j) ? 0 : (int32_t)(next_u32() % 1000 + 1);
	for (int k = 0; k < FW_N; k++)
		for (int i = 0; i < FW_N; i++) {
			int32_t ik = fw[i][k];
			for (int j = 0; j < FW_N; j++) {
				int32_t d = ik + fw[k][j];
				if (d < fw[i][j])
					fw[i][j] = d;
			}
		}
	int64_t sum = 0;
	for (int i = 0; i < FW_N; i++)
		for (int j = 0; j < FW_N; j++)
			sum += fw[i][j];
	printf("floyd %lld\n", (long long)sum);
}

#define MB_W 3200
#define MB_H 2400
#define MB_ITER 512

static void mandel(void) {
	int64_t total = 0;
	for (int y = 0; y < MB_H; y++) {
		double ci = -1.2 + 2.4 * y / MB_H;
		for (int x = 0; x < MB_W; x++) {
			double cr = -2.1 + 3.0 * x / MB_W;
			double zr = 0, zi = 0;
			int n = 0;
			while (n < MB_ITER && zr * zr + zi * zi <= 4.0) {
				double t = zr * zr - zi * zi + cr;
				zi = 2 * zr * zi + ci;
				zr = t;
				n++;
			}
			total += n;
		}
	}
	printf("mandel %lld\n", (long long)total);
}

#define HASH_BYTES (64u << 20)
#define HASH_PASSES 24

static void hash(void) {
	uint8_t *buf = malloc(HASH_BYTES);
	if (!buf) {
		fprintf(stderr, "hash: out of memory\n");
		exit(1);
	}
	for (uint32_t i = 0; i < HASH_BYTES; i += 4) {
		uint32_t v = next_u32();
		memcpy(buf + i, &v, 4);
	}
	uint64_t h = 14695981039346656037ULL;
	for (int pass = 0; pass < HASH_PASSES; pass++) {
		for (uint32_t i = 0; i < HASH_BYTES; i++) {
			h ^= buf[i];
			h *= 1099511628211ULL;
		}
	}
	free(buf);
	printf("hash %016llx\n", (unsigned long long)h);
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: kernels matmul|stencil|floyd|mandel|hash\n");
		return 64;
	}
	const char *k = argv[1];
	if (!strcmp(k, "matmul")) matmul();
	else if (!strcmp(k, "stencil")) stencil();
	else if (!strcmp(k, "floyd")) floyd();
	else if (!strcmp(k, "mandel")) mandel();
	else if (!strcmp(k, "hash")) hash();
	else {
		fprintf(stderr, "unknown kernel %s\n", k);
		return 64;
	}
	return 0;
}
