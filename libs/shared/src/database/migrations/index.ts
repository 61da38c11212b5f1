import { EventStore1764200000000 } from './1764200000000-event-store.js';
import { CustomersAndUsers1764250000000 } from './1764250000000-customers-and-users.js';
import { LoginAttempts1764300000000 } from './1764300000000-login-attempts.js';
import { Ingestion1764400000000 } from './1764400000000-ingestion.js';
import { ReadModels1764500000000 } from './1764500000000-read-models.js';
import { FollowUps1764600000000 } from './1764600000000-follow-ups.js';
import { OutboundWebhooks1764700000000 } from './1764700000000-outbound-webhooks.js';
import { OneCustomerReadModelProjection1764800000000 } from './1764800000000-one-customer-read-model-projection.js';
import { RelationalScoreDictionary1764900000000 } from './1764900000000-relational-score-dictionary.js';
import { ProjectionParkedEvents1765100000000 } from './1765100000000-projection-parked-events.js';
import { ScoringModelVersion1765300000000 } from './1765300000000-scoring-model-version.js';
import { EmailKey1765500000000 } from './1765500000000-email-key.js';
import { CustomerNameSearch1765500000001 } from './1765500000001-customer-name-search.js';
import { HealthNotes1765600000000 } from './1765600000000-health-notes.js';
import { FollowUpReasons1766000000000 } from './1766000000000-follow-up-reasons.js';
import { HealthConfig1766100000000 } from './1766100000000-health-config.js';
import { ProjectionBuckets1766200000000 } from './1766200000000-projection-buckets.js';
import { BucketCheckpointsFollowTheirProjection1766200000001 } from './1766200000001-bucket-checkpoints-follow-their-projection.js';
import { WorkerHeartbeats1766300000000 } from './1766300000000-worker-heartbeats.js';
import { FollowUpCompletedByPerson1766400000000 } from './1766400000000-follow-up-completed-by-person.js';
import { ChurnedCustomers1766500000000 } from './1766500000000-churned-customers.js';
import { ProjectionRebuilds1766600000000 } from './1766600000000-projection-rebuilds.js';
import { RebuildFailures1766700000000 } from './1766700000000-rebuild-failures.js';
import { OutboundRelaySources1766800000000 } from './1766800000000-outbound-relay-sources.js';

/** Every migration, in timestamp order (the order they run). Never edit an applied one. */
export const MIGRATIONS = [EventStore1764200000000, CustomersAndUsers1764250000000, LoginAttempts1764300000000, Ingestion1764400000000, ReadModels1764500000000, FollowUps1764600000000, OutboundWebhooks1764700000000, OneCustomerReadModelProjection1764800000000, RelationalScoreDictionary1764900000000, ProjectionParkedEvents1765100000000, ScoringModelVersion1765300000000, EmailKey1765500000000, CustomerNameSearch1765500000001, HealthNotes1765600000000, FollowUpReasons1766000000000, HealthConfig1766100000000, ProjectionBuckets1766200000000, BucketCheckpointsFollowTheirProjection1766200000001, WorkerHeartbeats1766300000000, FollowUpCompletedByPerson1766400000000, ChurnedCustomers1766500000000, ProjectionRebuilds1766600000000, RebuildFailures1766700000000, OutboundRelaySources1766800000000];
