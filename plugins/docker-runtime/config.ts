import { z } from 'zod';
import { parseEngineHost } from './engine-address.js';

/** Client certificate files for an engine reached over TCP with TLS (docker's --tlscacert, --tlscert, --tlskey). */
const tlsFilesSchema = z.strictObject({
  /** CA certificate the engine's certificate must chain to (PEM). */
  ca: z.string().min(1).optional(),
  /** Client certificate (PEM). */
  cert: z.string().min(1).optional(),
  /** Client private key (PEM). */
  key: z.string().min(1).optional(),
});

export const dockerRuntimeConfigSchema = z.strictObject({
  /**
   * The engine's address: `unix:///path/to/docker.sock` (or a bare socket path), `tcp://host:port`,
   * `http://…` or `https://…`. When absent, DOCKER_HOST of the node's environment, else
   * `unix:///var/run/docker.sock`.
   */
  host: z
    .string()
    .min(1)
    .superRefine((host, ctx) => {
      try {
        parseEngineHost(host);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
  /** TLS files for a TCP engine; with any of them set the connection uses HTTPS. */
  tls: tlsFilesSchema.optional(),
  /**
   * Pull an image that the engine lacks before creating a container. Off by default: these
   * machines may have no registry, and a missing image is reported as such.
   */
  pull: z.boolean().default(false),
  /**
   * Whether an engine that does not answer fails the plugin's start. When false the node starts
   * anyway and each unit that needs the engine fails with the reason when it starts.
   */
  required: z.boolean().default(true),
});

export type DockerRuntimeConfig = z.output<typeof dockerRuntimeConfigSchema>;
