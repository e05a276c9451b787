using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Microsoft.Graph;
using Microsoft.Graph.Communications.Calls.Item.Participants.Invite;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;

namespace GraphSdkPeer
{
    /// <summary>Builds the SDK's client against a base URL, sends the seed's first invite, reads a call, its participants, a presence and meetings.</summary>
    public static class PeerClient
    {
        public static GraphServiceClient Create(string baseUrl, string token)
        {
            var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return new GraphServiceClient(http, new AnonymousAuthenticationProvider(), baseUrl.TrimEnd('/') + "/v1.0");
        }

        public static InvitePostRequestBody SeedBody() => new()
        {
            Participants = new()
            {
                new InvitationParticipantInfo
                {
                    ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db",
                    Identity = new IdentitySet
                    {
                        User = new Identity { Id = "278405a3-f568-4b3e-b684-009193463064", DisplayName = "string" },
                    },
                },
            },
            ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
        };

        /// <summary>The SDK's request for a GET: read a call.</summary>
        public static Task<Call?> GetCallAsync(GraphServiceClient client, string callId) =>
            client.Communications.Calls[callId].GetAsync();

        /// <summary>The SDK's request for a list: the first page of a call's participants.</summary>
        public static Task<ParticipantCollectionResponse?> ListParticipantsAsync(GraphServiceClient client, string callId) =>
            client.Communications.Calls[callId].Participants.GetAsync();

        /// <summary>The SDK's request for a user's presence.</summary>
        public static Task<Presence?> GetPresenceAsync(GraphServiceClient client, string userId) =>
            client.Users[userId].Presence.GetAsync();

        /// <summary>The SDK's request for a list: the first page of a user's online meetings.</summary>
        public static Task<OnlineMeetingCollectionResponse?> ListMeetingsAsync(GraphServiceClient client, string userId) =>
            client.Users[userId].OnlineMeetings.GetAsync();

        public static Task<InviteParticipantsOperation?> InviteAsync(GraphServiceClient client, string callId, InvitePostRequestBody body) =>
            client.Communications.Calls[callId].Participants.Invite.PostAsync(body);
    }
}
